/** Vigil: the crash-safe file store. */
module dev.vigil.storage.fs {
    requires transitive dev.vigil.spi;
    requires dev.vigil.core;
}
