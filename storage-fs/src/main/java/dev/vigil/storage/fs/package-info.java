/**
 * The crash-safe file store ({@code fs:} URIs) and trace archival to gzip JSON Lines. {@link
 * dev.vigil.storage.fs.FsStore} is the store with its extras (recovery report, archival, compaction);
 * {@link dev.vigil.storage.fs.FsStoreProvider} registers the {@code fs} scheme.
 */
package dev.vigil.storage.fs;
