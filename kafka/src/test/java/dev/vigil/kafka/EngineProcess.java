package dev.vigil.kafka;

import dev.vigil.core.Vigil;
import java.time.Duration;

/**
 * One engine process of the scale-out tests (a child JVM): a Vigil on the shared PostgreSQL store with a Kafka
 * source in the test's consumer group. Runs until killed or until its standard input closes.
 *
 * <p>Arguments: bootstrap servers, topic, group, JDBC URL, engine id, experiment.
 */
public final class EngineProcess {

    private EngineProcess() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];
        String url = args[3];
        String id = args[4];
        String experiment = args[5];
        try (Vigil vigil = Vigil.builder().store(url).engineId(id).maxInFlight(256).build()) {
            vigil.experiment(experiment);
            KafkaSourceOptions options = KafkaSourceOptions.builder().bootstrapServers(bootstrap).groupId(group)
                    .topic(topic).experiment(experiment).pollTimeout(Duration.ofMillis(100))
                    .clientProperty("session.timeout.ms", "4000")
                    .clientProperty("heartbeat.interval.ms", "500")
                    .clientProperty("max.poll.records", "200")
                    .build();
            try (KafkaTraceSource source = KafkaTraceSource.start(vigil, options, id)) {
                System.out.println("READY " + id);
                System.out.flush();
                while (System.in.read() >= 0) {
                    // run until the parent closes our input
                }
            }
        }
    }
}
