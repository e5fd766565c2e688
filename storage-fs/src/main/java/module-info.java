/** Vigil: the crash-safe file store ({@code fs:} URIs) and trace archival. */
module dev.vigil.storage.fs {
    requires transitive dev.vigil.spi;
    requires org.slf4j;
    requires java.sql;

    exports dev.vigil.storage.fs;

    provides dev.vigil.spi.store.StoreProvider with dev.vigil.storage.fs.FsStoreProvider;
}
