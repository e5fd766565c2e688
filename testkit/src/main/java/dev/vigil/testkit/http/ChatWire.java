package dev.vigil.testkit.http;

/**
 * The wire format of one chat provider, as canned bodies for a {@link ScriptedHttpServer}: an answer, a refusal,
 * a truncated answer, and the provider's error bodies. Built from the real bodies in the shared fixtures where
 * one exists.
 */
public interface ChatWire {

    /** @param text the model's answer text @return a successful response carrying it */
    ScriptedReply answer(String text);

    /** @return a successful response in which the model refuses */
    ScriptedReply refusal();

    /** @return a successful response cut off by the token limit */
    ScriptedReply truncated();

    /** @param retryAfterSeconds the Retry-After header value @return a 429 */
    ScriptedReply rateLimited(int retryAfterSeconds);

    /** @param status a 5xx status (500, 503, 529) @return the provider's server error body */
    ScriptedReply serverError(int status);

    /** @return a 400 refusing the JSON schema of the structured output */
    ScriptedReply schemaRefused();

    /** @return a 401 for a bad key */
    ScriptedReply unauthorized();

    /** @return the provider's message in {@link #unauthorized()}, to find in error feedback */
    String unauthorizedMessage();

    /** @return the provider's message in {@link #rateLimited(int)} */
    String rateLimitedMessage();
}
