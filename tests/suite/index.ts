/** Every file of the conformance suite; runners import this. */
