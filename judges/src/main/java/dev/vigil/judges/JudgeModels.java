package dev.vigil.judges;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.judge.JudgeConfig;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeProvider;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of a {@link JudgeRuntime}: model URIs checked against the providers found by {@link ServiceLoader}
 * (plus the builder's), and one {@link JudgeModel} per URI, made once and reused. A URI already seen is resolved by
 * one map lookup, so a call pays no parsing. Thread-safe.
 */
final class JudgeModels {
    /** URIs remembered as resolved; past this a URI is checked on every call (it is still correct, only slower). */
    private static final int MAX_REMEMBERED = 4096;

    private final JudgeConfig config;
    private final String defaultModel;
    private final Map<String, JudgeProvider> providers;
    private final Map<String, String> resolved = new ConcurrentHashMap<>();
    private final Map<String, JudgeModel> models = new ConcurrentHashMap<>();

    JudgeModels(Map<String, String> settings, String defaultModel, Map<String, JudgeProvider> extra) {
        this.config = new JudgeConfig(settings);
        this.defaultModel = defaultModel;
        Map<String, JudgeProvider> p = new TreeMap<>();
        for (JudgeProvider provider : ServiceLoader.load(JudgeProvider.class, JudgeRuntime.class.getClassLoader())) {
            p.putIfAbsent(provider.scheme(), provider);
        }
        p.putAll(extra);
        this.providers = Map.copyOf(p);
    }

    Set<String> schemes() {
        return new TreeSet<>(providers.keySet());
    }

    Optional<String> defaultModel() {
        return Optional.ofNullable(defaultModel);
    }

    /** @see JudgeRuntime#resolveModel(String) */
    String resolve(String modelUri) {
        if (modelUri != null) {
            String known = resolved.get(modelUri);
            if (known != null) {
                return known;
            }
        }
        String uri = check(modelUri);
        if (modelUri != null && resolved.size() < MAX_REMEMBERED) {
            resolved.put(modelUri, uri);
        }
        return uri;
    }

    private String check(String modelUri) {
        String uri = modelUri == null || modelUri.isBlank() ? defaultModel : modelUri.trim();
        if (uri == null) {
            throw new InvalidInputException("no judge model: give the judge one (vigil scorers register --model openai:/gpt-4o-mini;"
                    + " in Java, .model(\"openai:/gpt-4o-mini\"))"
                    + " or set " + JudgeRuntime.DEFAULT_MODEL_ENV + " (e.g. " + JudgeRuntime.DEFAULT_MODEL_ENV
                    + "=databricks:/databricks-gpt-oss-20b)");
        }
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            throw new InvalidInputException("judge model '" + uri + "' is not a model URI; write scheme:/model, e.g."
                    + " openai:/gpt-4o-mini (known schemes: " + String.join(", ", schemes()) + ")");
        }
        String scheme = uri.substring(0, colon);
        if (!providers.containsKey(scheme)) {
            throw new InvalidInputException("unknown judge model scheme '" + scheme + "' in '" + uri
                    + "'; known schemes: " + String.join(", ", schemes())
                    + ". Add the module that provides dev.vigil.spi.judge.JudgeProvider for '" + scheme + "'.");
        }
        if (uri.substring(colon + 1).replaceFirst("^/+", "").isBlank()) {
            throw new InvalidInputException("judge model URI '" + uri + "' names no model; write " + scheme
                    + ":/<model>");
        }
        return uri;
    }

    /** @param uri a resolved URI @return its model, made by its provider on first use */
    JudgeModel model(String uri) {
        JudgeModel m = models.get(uri);
        if (m != null) {
            return m;
        }
        return models.computeIfAbsent(uri, u -> providers.get(u.substring(0, u.indexOf(':'))).create(u, config));
    }
}
