package dev.vigil.judges.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.spi.judge.JudgeResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template every HTTP judge model follows: build the provider's body, send one POST, map HTTP failures to
 * {@link JudgeException}s (retryable: 408, 429, 5xx, timeouts, resets; not: 400, 401, 403, 404), read the answer.
 * One attempt per call: retries, limits and the breaker live in the runtime around it.
 *
 * <p>Structured output: the JSON schema is sent while the model accepts it; a 400 that names the schema or the
 * response format switches this model to plain text for good (remembered per model instance, i.e. per URI),
 * and the call is made again at once without the schema. The judges' prompts always describe the JSON answer in
 * words too, so plain text still parses.
 */
public abstract class HttpJudgeModel implements JudgeModel {

    private static final Logger LOG = LoggerFactory.getLogger(HttpJudgeModel.class);
    private static final int MAX_MESSAGE = 500;

    private final String modelUri;
    private final HttpClient client;
    private final Duration timeout;
    private volatile boolean schemaRefused;

    /**
     * @param modelUri the model URI
     * @param client the shared HTTP client
     * @param timeout the per-call timeout
     */
    protected HttpJudgeModel(String modelUri, HttpClient client, Duration timeout) {
        this.modelUri = modelUri;
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public final String modelUri() {
        return modelUri;
    }

    /** @return true once the model refused the JSON schema and this model asks in plain text */
    public final boolean schemaRefused() {
        return schemaRefused;
    }

    @Override
    public final JudgeResponse complete(JudgeRequest request) {
        boolean withSchema = request.responseSchema() != null && !schemaRefused;
        try {
            return exchange(request, withSchema);
        } catch (JudgeException e) {
            if (withSchema && e.httpStatus() == 400 && mentionsSchema(e.getMessage())) {
                schemaRefused = true;
                LOG.info("{} refused the JSON schema ({}); asking in plain text from now on", modelUri, e.getMessage());
                return exchange(request, false);
            }
            throw e;
        }
    }

    private static boolean mentionsSchema(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return m.contains("schema") || m.contains("response_format") || m.contains("output_config")
                || m.contains("structured output") || m.contains("json mode") || m.contains("responsemimetype");
    }

    private JudgeResponse exchange(JudgeRequest request, boolean withSchema) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint()).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bodyBytes(request, withSchema)));
        headers().forEach(b::header);
        long start = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new JudgeException(FailureKind.TIMEOUT, modelUri + " did not answer within " + timeout.toMillis()
                    + " ms");
        } catch (IOException e) {
            throw new JudgeException(FailureKind.CONNECTION, modelUri + ": connection failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JudgeException(FailureKind.TIMEOUT, modelUri + ": interrupted while waiting for the answer");
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw failure(status, response);
        }
        return answer(response.body(), status, latency);
    }

    /**
     * The request body as UTF-8 JSON bytes. By default {@link #body} serialised; a wire helper may write the same
     * bytes straight from the request instead of building a tree first (as {@link ChatCompletionsModel} does).
     *
     * @param request the request
     * @param withSchema whether to ask for the JSON schema
     * @return the body's bytes
     */
    protected byte[] bodyBytes(JudgeRequest request, boolean withSchema) {
        try {
            return Json.mapper().writeValueAsBytes(body(request, withSchema));
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: a JSON tree always serialises", e);
        }
    }

    /**
     * Reads a 2xx body. By default it is parsed as a tree and handed to {@link #answer(JsonNode, Duration)}; a wire
     * helper may pick the answer out with a streaming parser instead, as long as it returns and throws the same.
     *
     * @param body the provider's 2xx body
     * @param status its HTTP status
     * @param latency the call's latency
     * @return the answer
     * @throws JudgeException on a body that is not a JSON object, a refusal, truncation or a body without an answer
     */
    protected JudgeResponse answer(byte[] body, int status, Duration latency) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException | RuntimeException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new JudgeException(FailureKind.UNPARSEABLE, modelUri + " answered HTTP " + status
                    + " with a body that is not a JSON object: " + excerpt(new String(body, StandardCharsets.UTF_8)),
                    status, null);
        }
        return answer(json, latency);
    }

    private JudgeException failure(int status, HttpResponse<byte[]> response) {
        String message = redact(providerMessage(new String(response.body(), StandardCharsets.UTF_8)));
        String text = modelUri + " answered HTTP " + status + ": " + message;
        Duration retryAfter = retryAfter(response);
        return switch (status) {
            case 401, 403 -> new JudgeException(FailureKind.AUTH, text + " (check the API key or token)", status, null);
            case 404 -> new JudgeException(FailureKind.BAD_REQUEST, text + " (check the model name and base URL)",
                    status, null);
            case 408 -> new JudgeException(FailureKind.TIMEOUT, text, status, retryAfter);
            case 429 -> message.contains("insufficient_quota")
                    || message.toLowerCase(Locale.ROOT).contains("exceeded your current quota")
                    ? new JudgeException(FailureKind.AUTH, text + " (the account's quota is exhausted)", status, null)
                    : new JudgeException(FailureKind.RATE_LIMITED, text, status, retryAfter);
            default -> status >= 500
                    ? new JudgeException(FailureKind.OVERLOADED, text, status, retryAfter)
                    : new JudgeException(FailureKind.BAD_REQUEST, text, status, null);
        };
    }

    /** Removes the credentials this model sends from a text, in case a server echoes them back. */
    private String redact(String text) {
        String out = text;
        for (String value : headers().values()) {
            String secret = value.startsWith("Bearer ") ? value.substring(7) : value;
            if (secret.length() >= 8) {
                out = out.replace(secret, "[redacted]");
            }
        }
        return out;
    }

    /** The provider's own message: {@code error.message}, {@code message}, or an excerpt of the body. */
    private static String providerMessage(String body) {
        try {
            JsonNode n = Json.mapper().readTree(body);
            if (n != null) {
                JsonNode err = n.path("error");
                if (err.isObject()) {
                    String msg = err.path("message").asText("");
                    String code = err.path("code").isTextual() ? err.path("code").asText() : err.path("type").asText("");
                    if (!msg.isEmpty()) {
                        return code.isEmpty() ? msg : msg + " [" + code + "]";
                    }
                } else if (err.isTextual()) {
                    return err.asText();
                }
                if (n.path("message").isTextual()) {
                    return n.path("message").asText();
                }
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through to the raw body
        }
        return excerpt(body);
    }

    private static String excerpt(String body) {
        if (body == null || body.isEmpty()) {
            return "(empty body)";
        }
        return body.length() <= MAX_MESSAGE ? body : body.substring(0, MAX_MESSAGE) + "…";
    }

    /** Retry-After in seconds or as an HTTP date; OpenAI's retry-after-ms first. */
    private static Duration retryAfter(HttpResponse<?> response) {
        var ms = response.headers().firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Duration.ofMillis((long) Double.parseDouble(ms.get().trim()));
            } catch (NumberFormatException ignored) {
                // try Retry-After
            }
        }
        var v = response.headers().firstValue("retry-after");
        if (v.isEmpty()) {
            return null;
        }
        String s = v.get().trim();
        try {
            return Duration.ofMillis((long) (Double.parseDouble(s) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(when.getZone()), when);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }

    /**
     * @param kind {@link FailureKind#CONTENT_REFUSED} or {@link FailureKind#UNPARSEABLE}
     * @param message the message
     * @return a failure of a 200 answer (refusal, truncation, missing content)
     */
    protected final JudgeException answerFailure(FailureKind kind, String message) {
        return new JudgeException(kind, modelUri + ": " + message, 200, null);
    }

    /** @param n a JSON node @param field a field @return its long value or -1 */
    protected static long tokens(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isNumber() ? v.asLong() : -1;
    }

    /** @return the URI to POST to */
    protected abstract URI endpoint();

    /** @return extra headers (authentication, API version); values are never logged */
    protected abstract Map<String, String> headers();

    /**
     * @param request the request
     * @param withSchema whether to ask for the JSON schema
     * @return the provider's request body
     */
    protected abstract ObjectNode body(JudgeRequest request, boolean withSchema);

    /**
     * @param json the provider's 2xx body
     * @param latency the call's latency
     * @return the answer
     * @throws JudgeException on refusal, truncation or a body without an answer
     */
    protected abstract JudgeResponse answer(JsonNode json, Duration latency);

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + modelUri + " → " + endpoint() + "]";
    }
}
