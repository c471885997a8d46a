/** The load run's pages as a Worker: the variant comes from the `VARIANT` binding. */
import { type Handler, loadApp } from './load-apps.ts'

let app: Promise<Handler> | undefined

export default {
  fetch(request: Request, env: { VARIANT: string }): Promise<Response> {
    app ??= loadApp(env.VARIANT)
    return app.then((handler) => handler(request))
  },
}
