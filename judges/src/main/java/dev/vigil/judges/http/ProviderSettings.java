package dev.vigil.judges.http;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.judge.JudgeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Reading a provider's settings from a {@link JudgeConfig} (the runtime builder's settings over the environment's)
 * with errors that say what to set, and the one HTTP client every model shares (its connections are pooled and
 * reused across calls: a provider must not build a client per model or per call).
 */
public final class ProviderSettings {
    /** The per-call timeout setting, in milliseconds ({@link JudgeConfig#TIMEOUT_MS}); the runtime always sets it. */
    public static final String TIMEOUT_MS = JudgeConfig.TIMEOUT_MS;
    /** The per-call timeout when {@link #TIMEOUT_MS} is not set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    // The answer is handled on the client's selector thread (executor Runnable::run) instead of being handed to a
    // pool thread: judges call send() with a non-blocking byte[] handler, and the extra hop cost 50-70 us of CPU per
    // loopback call on the pool's hand-off (benchmarks/README.md, judges, Session 9).
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).executor(Runnable::run).build();

    private ProviderSettings() {}

    /**
     * @return the shared HTTP/1.1 client (keep-alive connection pool, 10 s connect timeout). Its executor runs tasks
     *     in the thread that submits them, so response bodies are handled on the client's selector thread: use
     *     {@code send} or body handlers that do not block (as the built-in models do), never a handler that waits
     */
    public static HttpClient client() {
        return CLIENT;
    }

    /**
     * @param config the provider's settings
     * @return the per-call timeout: {@link #TIMEOUT_MS}, or {@link #DEFAULT_TIMEOUT}
     * @throws InvalidInputException if the setting is not a positive number of milliseconds
     */
    public static Duration timeout(JudgeConfig config) {
        return Duration.ofMillis(config.timeoutMillis(DEFAULT_TIMEOUT.toMillis()));
    }

    /**
     * @param config the provider's settings
     * @param modelUri the model URI being made (for the message)
     * @param keys the setting and its fallbacks, first one set wins, e.g. {@code GEMINI_API_KEY, GOOGLE_API_KEY}
     * @return the value, trimmed
     * @throws InvalidInputException naming the settings and how to set them, if none is set
     */
    public static String required(JudgeConfig config, String modelUri, String... keys) {
        for (String k : keys) {
            String v = config.get(k);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        throw new InvalidInputException("judge model " + modelUri + " needs " + String.join(" or ", keys)
                + ": set it in the environment of the process that scores (or as a judge runtime setting)");
    }

    /**
     * @param config the provider's settings
     * @param key a setting
     * @param fallback its default
     * @return the value, trimmed, or the fallback when unset or blank
     */
    public static String optional(JudgeConfig config, String key, String fallback) {
        String v = config.get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /**
     * @param modelUri a model URI, {@code scheme:/model} or {@code scheme:model}
     * @return the model name: what follows the scheme and its slashes
     * @throws InvalidInputException if it names no model
     */
    public static String modelName(String modelUri) {
        int i = modelUri.indexOf(':');
        String name = modelUri.substring(i + 1);
        while (name.startsWith("/")) {
            name = name.substring(1);
        }
        if (name.isBlank()) {
            throw new InvalidInputException("judge model URI '" + modelUri
                    + "' names no model; write scheme:/model, e.g. openai:/gpt-4o-mini");
        }
        return name;
    }

    /**
     * @param url a base URL setting's value
     * @param setting the setting's name (for the message)
     * @return the URL without a trailing slash
     * @throws InvalidInputException if it is not an http(s) URL with a host
     */
    public static URI base(String url, String setting) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI uri = URI.create(u);
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("not an http(s) URL with a host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(setting + " must be an http(s) URL, got '" + url + "'");
        }
    }
}
