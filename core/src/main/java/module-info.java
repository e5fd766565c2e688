/**
 * Vigil's engine: scorer registry and lifecycle, sampling, the filter language, monitoring, backfill,
 * aggregations, and the in-memory store.
 */
module dev.vigil.core {
    requires transitive dev.vigil.spi;
    requires com.google.common;
    requires com.github.benmanes.caffeine;
    requires dev.failsafe.core;
    requires org.slf4j;
    requires java.net.http;
    requires static micrometer.core;

    exports dev.vigil.core;
    exports dev.vigil.core.engine;
    exports dev.vigil.core.metrics;
    exports dev.vigil.core.aggregate;
    exports dev.vigil.core.backfill;
    exports dev.vigil.core.evaluate;
    exports dev.vigil.core.sampling;
    exports dev.vigil.core.filter;
    exports dev.vigil.core.scorer;
    exports dev.vigil.core.session;
    exports dev.vigil.core.registry;
    exports dev.vigil.core.monitor;
    exports dev.vigil.core.notify;
    exports dev.vigil.core.budget;
    // the engine's implementation (scorer runner, outcomes, provider gates, partition table, work runner, retry
    // drain, batch scorer) is internal: only Vigil modules whose code or tests drive it directly may read it
    exports dev.vigil.core.engine.internal to dev.vigil.judges, dev.vigil.cli, dev.vigil.server;
    // not exported: dev.vigil.core.retry (the deferral rule shared by engine, backfill and evaluate) and
    // dev.vigil.core.store.memory (reached through StoreProvider).

    uses dev.vigil.spi.scorer.ScorerCodec;
    uses dev.vigil.spi.notify.Notifier;

    provides dev.vigil.spi.store.StoreProvider with dev.vigil.core.store.memory.MemoryStoreProvider;
    provides dev.vigil.spi.scorer.ScorerCodec with dev.vigil.core.scorer.JavaScorerCodec;
    provides dev.vigil.spi.notify.Notifier with dev.vigil.core.notify.WebhookNotifier,
            dev.vigil.core.notify.SlackNotifier, dev.vigil.core.notify.LogNotifier;
}
