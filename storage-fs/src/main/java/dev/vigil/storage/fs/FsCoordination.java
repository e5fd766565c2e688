package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.store.support.LockedCoordination;
import java.nio.file.Path;
import java.util.Map;

/**
 * Fenced writes (the lease check and the write under the store's write lock) and stream settings in
 * {@code state/streams.state}.
 */
final class FsCoordination extends LockedCoordination {
    private final FileStore store;

    FsCoordination(FileStore store, FsJobStore jobs) {
        super(jobs);
        this.store = store;
    }

    private Path file() {
        return store.stateDir().resolve("streams.state");
    }

    void load() {
        JsonNode n = FsFiles.readStateJson(file());
        if (n != null) {
            n.properties().forEach(e -> loadCount(e.getKey(), e.getValue().asInt()));
        }
    }

    @Override
    protected void persistCounts(Map<String, Integer> next) {
        ObjectNode o = StateJson.F.objectNode();
        next.forEach(o::put);
        FsFiles.writeState(file(), StateJson.bytes(o));
    }
}
