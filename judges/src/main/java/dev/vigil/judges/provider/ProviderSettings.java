package dev.vigil.judges.provider;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.judge.JudgeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Reading a provider's settings from a {@link JudgeConfig} (the builder's settings over the environment's), and
 * the HTTP client every model of a provider shares.
 */
final class ProviderSettings {
    /** The per-call timeout setting, in milliseconds. */
    static final String TIMEOUT_MS = "vigil.judge.timeout_ms";

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private ProviderSettings() {}

    static HttpClient client() {
        return CLIENT;
    }

    static Duration timeout(JudgeConfig config) {
        String v = config.get(TIMEOUT_MS);
        return v == null ? Duration.ofSeconds(60) : Duration.ofMillis(Long.parseLong(v));
    }

    static String required(JudgeConfig config, String modelUri, String... keys) {
        for (String k : keys) {
            String v = config.get(k);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        throw new InvalidInputException("judge model " + modelUri + " needs " + String.join(" or ", keys)
                + ": set it in the environment of the process that scores (or as a judge runtime setting)");
    }

    static String optional(JudgeConfig config, String key, String fallback) {
        String v = config.get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /** @return the model name: what follows {@code scheme:/} (or {@code scheme:}) */
    static String modelName(String modelUri) {
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

    static URI base(String url, String setting) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI uri = URI.create(u);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(setting + " must be an http(s) URL, got '" + url + "'");
        }
    }
}
