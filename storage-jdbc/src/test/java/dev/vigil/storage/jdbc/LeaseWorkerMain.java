package dev.vigil.storage.jdbc;

import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.StoreOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One engine-like worker for {@link SeveralEnginesTest}, run in a child JVM: takes leases on work units, scores
 * each unit's traces (an idempotent feedback upsert per trace), marks the unit done while still holding its
 * lease, and exits when every unit is done.
 *
 * <p>Arguments: JDBC URL, owner id, experiment id, number of units, traces per unit, milliseconds of work per trace.
 */
public final class LeaseWorkerMain {

    static final Duration TTL = Duration.ofMillis(1500);
    static final Duration DONE = Duration.ofDays(3650);

    private LeaseWorkerMain() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String owner = args[1];
        String experimentId = args[2];
        int units = Integer.parseInt(args[3]);
        int perUnit = Integer.parseInt(args[4]);
        long workMs = Long.parseLong(args[5]);
        List<String> resources = new ArrayList<>();
        for (int u = 0; u < units; u++) {
            resources.add(unit(u));
        }
        Clock clock = Clock.systemUTC();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try (JdbcStore store = JdbcStore.open(url, new StoreOptions(clock, Map.of("pool.size", "2")))) {
            while (System.nanoTime() < deadline) {
                Optional<Lease> taken = store.leases().acquireAny(resources, owner, TTL);
                if (taken.isEmpty()) {
                    if (allDone(store, resources)) {
                        System.out.println("finished " + owner);
                        return;
                    }
                    Thread.sleep(50);
                    continue;
                }
                Lease lease = taken.get();
                String unit = lease.resource();
                if (store.jobs().get("done-" + unit).isEmpty()) {
                    System.out.println("start " + unit + " " + lease.token());
                    System.out.flush();
                    int u = Integer.parseInt(unit.substring("unit-".length()));
                    for (int i = 0; i < perUnit; i++) {
                        Thread.sleep(workMs);
                        store.assessments().upsertScorerFeedback(List.of(Assessment.builder().name("work")
                                .traceId(traceId(u, i)).source(new AssessmentSource(AssessmentSourceType.CODE, owner))
                                .createTime(clock.instant()).feedback(owner)
                                .metadata(Assessment.METADATA_SCORER_NAME, "worker")
                                .metadata(Assessment.METADATA_SCORER_VERSION, "1").build()));
                        lease = store.leases().renew(lease, TTL).orElse(null);
                        if (lease == null) {
                            break; // lost it: whoever took it over finishes the unit
                        }
                    }
                    if (lease == null || !store.leases().isCurrent(unit, lease.token())) {
                        System.out.println("lost " + unit);
                        continue;
                    }
                    try {
                        store.jobs().create(new Job("done-" + unit, experimentId, "unit", Map.of("owner", owner,
                                "token", lease.token()), JobStatus.SUCCEEDED, Map.of("traces", (long) perUnit), null,
                                null, 1, clock.instant(), null));
                        System.out.println("done " + unit + " " + lease.token());
                    } catch (StaleWriteException finishedByAnother) {
                        System.out.println("already " + unit);
                    }
                }
                // a done unit stays leased for good, so that no one picks it again
                store.leases().renew(lease, DONE);
            }
            System.out.println("deadline " + owner);
            System.exit(2);
        }
    }

    private static boolean allDone(JdbcStore store, List<String> resources) {
        for (String r : resources) {
            if (store.jobs().get("done-" + r).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    static String unit(int u) {
        return String.format("unit-%03d", u);
    }

    static String traceId(int unit, int i) {
        return String.format("tr-%03d-%02d", unit, i);
    }
}
