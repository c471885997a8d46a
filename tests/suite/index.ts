/** Every file of the conformance suite; runners import this. */
import './with-session.ts'
import './session.ts'
import './signed-codec.ts'
import './cookie.ts'
import './transports.ts'
import './custom-backends.ts'
import './revocation.ts'
import './chunks.ts'
