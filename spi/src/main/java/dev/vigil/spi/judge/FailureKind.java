package dev.vigil.spi.judge;

/**
 * The closed set of ways a call to a judge model (or any remote scorer dependency) fails. Providers report one of
 * these through {@link JudgeException#kind()}; the scoring engine decides from it alone whether to retry now,
 * defer the pair for later, pause the scorer, or record an error assessment.
 *
 * <ul>
 *   <li>Transient (retried now, and if the retries run out the pair is retried later, never recorded as an error):
 *       {@link #RATE_LIMITED}, {@link #OVERLOADED}, {@link #TIMEOUT}, {@link #CONNECTION}.</li>
 *   <li>{@link #AUTH}: needs a person (a key to rotate, a quota to raise): the scorer is paused.</li>
 *   <li>Permanent: {@link #BAD_REQUEST}, {@link #CONTENT_REFUSED} are recorded as error assessments at once;
 *       {@link #UNPARSEABLE} is retried now (a model may answer properly the next time) and recorded as an error
 *       when the retries run out.</li>
 * </ul>
 */
public enum FailureKind {
    /** HTTP 429 (optionally with a Retry-After): the provider asks to slow down. */
    RATE_LIMITED,
    /** HTTP 5xx or 529, or the caller's own circuit breaker open: the provider is down or overloaded. */
    OVERLOADED,
    /** No answer in time (HTTP 408 or the call's timeout). */
    TIMEOUT,
    /** The connection failed or was reset. */
    CONNECTION,
    /** HTTP 401/403, or an exhausted quota: the credentials or the account need attention. */
    AUTH,
    /** HTTP 400/404/413/422 and other 4xx: the request is wrong (model name, parameters, size). */
    BAD_REQUEST,
    /** The model refused or its content filter withheld the answer. */
    CONTENT_REFUSED,
    /** The provider answered but no verdict could be read from it (garbage body, missing or unknown result). */
    UNPARSEABLE;

    /** @return true if the failure is expected to go away by itself: retried now, then deferred */
    public boolean isTransient() {
        return this == RATE_LIMITED || this == OVERLOADED || this == TIMEOUT || this == CONNECTION;
    }

    /** @return true if trying again at once may help (the transient kinds and {@link #UNPARSEABLE}) */
    public boolean retryable() {
        return isTransient() || this == UNPARSEABLE;
    }
}
