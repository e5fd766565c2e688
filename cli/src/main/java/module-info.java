/** The {@code vigil} command: demo, scorer management, monitoring, backfill, import/export and the HTML report. */
module dev.vigil.cli {
    requires dev.vigil.spi;
    requires dev.vigil.core;
    requires dev.vigil.python;
    requires dev.vigil.judges;
    requires dev.vigil.storage.fs;
    requires dev.vigil.otel;
    requires dev.vigil.server;
    requires dev.vigil.kafka;
    requires info.picocli;
    requires org.slf4j;

    exports dev.vigil.cli;
    exports dev.vigil.cli.demo;
    opens dev.vigil.cli to info.picocli;

    uses dev.vigil.spi.store.StoreProvider;
}
