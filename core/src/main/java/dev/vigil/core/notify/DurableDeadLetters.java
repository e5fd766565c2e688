package dev.vigil.core.notify;

import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.JobStore;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps notifications that could not be delivered after the notifier's last try, durably, in the store's job
 * records (type {@value #JOB_TYPE}, status FAILED, the last error as message): they survive a restart on every
 * backend and show in {@code vigil jobs list}. One record per (notification id, notifier type): a notification
 * given up on twice is kept once. The record holds the notification's JSON body and the notifier type, never the
 * destination's URL or key.
 */
public final class DurableDeadLetters implements Consumer<NotifierContext.DeadLetter> {

    /** The job type of a dead letter. */
    public static final String JOB_TYPE = "notification.dead-letter";

    private static final Logger LOG = LoggerFactory.getLogger(DurableDeadLetters.class);

    private final JobStore jobs;
    private final InstantSource clock;

    /**
     * @param jobs where to keep them
     * @param clock the time recorded with each
     */
    public DurableDeadLetters(JobStore jobs, InstantSource clock) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param notificationId a notification id
     * @param notifierType a notifier type
     * @return the id of its dead-letter record
     */
    public static String jobId(String notificationId, String notifierType) {
        return "dead-letter-" + java.util.UUID.nameUUIDFromBytes((notificationId + '\u0000' + notifierType)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void accept(NotifierContext.DeadLetter d) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("notifier", d.notifierType());
        spec.put("attempts", d.attempts());
        spec.put("notification", NotificationJson.map(d.notification()));
        String id = jobId(d.notification().id(), d.notifierType());
        try {
            if (jobs.get(id).isPresent()) {
                return;
            }
            jobs.create(new Job(id, d.notification().experimentId(), JOB_TYPE, spec, JobStatus.FAILED, Map.of(),
                    null, "not delivered after " + d.attempts() + " attempt" + (d.attempts() == 1 ? "" : "s")
                            + ": " + d.lastError(), 1, clock.instant(), clock.instant()));
        } catch (StaleWriteException | InvalidInputException e) {
            // already kept by another engine, or the experiment is gone
        } catch (RuntimeException e) {
            LOG.error("notification {} to {} could not be delivered nor kept as a dead letter: {}",
                    d.notification().id(), d.notifierType(), e.toString());
        }
    }

    /**
     * @param experimentId an experiment
     * @return its dead letters, oldest first
     */
    public List<Job> list(String experimentId) {
        return jobs.list(experimentId).stream().filter(j -> JOB_TYPE.equals(j.type()))
                .sorted(java.util.Comparator.comparing(Job::createdAt)).toList();
    }
}
