package dev.vigil.otel;

import dev.vigil.spi.store.Store;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Chooses the experiment of incoming spans, creating it on first use: the request's {@code x-vigil-experiment}
 * header (an experiment name), else MLflow's {@code x-mlflow-experiment-id} header (an existing experiment id, or
 * else a name), else a resource attribute ({@code service.name} by default), else {@code default}.
 */
public final class ExperimentRouter {

    /** The header naming the experiment. */
    public static final String HEADER = "x-vigil-experiment";
    /** MLflow's header, accepted too. */
    public static final String MLFLOW_HEADER = "x-mlflow-experiment-id";
    /** The experiment used when nothing names one. */
    public static final String FALLBACK = "default";

    private final Store store;
    private final String resourceAttribute;
    private final Map<String, String> idsByName = new ConcurrentHashMap<>();

    /**
     * @param store where experiments live
     * @param resourceAttribute the resource attribute naming the experiment when no header does
     */
    public ExperimentRouter(Store store, String resourceAttribute) {
        this.store = Objects.requireNonNull(store, "store");
        this.resourceAttribute = Objects.requireNonNull(resourceAttribute, "resourceAttribute");
    }

    /**
     * @param vigilHeader the {@code x-vigil-experiment} header, or null
     * @param mlflowHeader the {@code x-mlflow-experiment-id} header, or null
     * @return the experiment id for each resource's attributes
     */
    public Function<Map<String, Object>, String> forRequest(String vigilHeader, String mlflowHeader) {
        if (vigilHeader != null && !vigilHeader.isBlank()) {
            String id = idOf(vigilHeader.strip());
            return resource -> id;
        }
        if (mlflowHeader != null && !mlflowHeader.isBlank()) {
            String h = mlflowHeader.strip();
            String id = store.experiments().get(h).map(e -> e.experimentId()).orElseGet(() -> idOf(h));
            return resource -> id;
        }
        return resource -> {
            Object v = resource.get(resourceAttribute);
            return idOf(v == null || String.valueOf(v).isBlank() ? FALLBACK : String.valueOf(v));
        };
    }

    /** @param name an experiment name @return its id, the experiment created if needed */
    public String idOf(String name) {
        return idsByName.computeIfAbsent(name, n -> store.experiments().getOrCreate(n).experimentId());
    }
}
