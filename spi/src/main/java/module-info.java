/**
 * Vigil's SPI: the shared immutable data model and the interfaces plug-ins implement.
 */
module dev.vigil.spi {
    requires transitive com.fasterxml.jackson.databind;

    exports dev.vigil.spi;
    exports dev.vigil.spi.model;
    exports dev.vigil.spi.json;
    exports dev.vigil.spi.filter;
    exports dev.vigil.spi.scorer;
    exports dev.vigil.spi.session;
    exports dev.vigil.spi.store;
    exports dev.vigil.spi.store.support;
    exports dev.vigil.spi.judge;
    exports dev.vigil.spi.notify;

    uses dev.vigil.spi.store.StoreProvider;
    uses dev.vigil.spi.scorer.ScorerCodec;
    uses dev.vigil.spi.judge.JudgeProvider;
    uses dev.vigil.spi.notify.Notifier;
}
