/** The adversarial suite, organised by attack; the conformance runners import it with the rest. */
import './tampering.ts'
import './algorithms.ts'
import './time.ts'
import './cookies.ts'
import './bearer.ts'
import './behaviour.ts'
