package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad {@code vigil serve --kafka} values: a one-line usage error naming the key and what is allowed, nothing served. */
class ServeKafkaOptionsTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void serveKafka_withBadValues_failsNamingTheKeyAndWhatIsAllowed() {
        record Case(String kafka, List<String> says) {}
        List<Case> cases = List.of(
                new Case("topic=otlp_spans", List.of("--kafka: Kafka bootstrap servers are required",
                        "bootstrap=host:9092")),
                new Case("bootstrap=localhost:9,grup=vigil", List.of("--kafka: unknown key 'grup'",
                        "keys are bootstrap, group, topic")),
                new Case("bootstrap=localhost:9,format=protobuf", List.of("--kafka format", "'protobuf'",
                        "otlp_proto, otlp_json or mlflow_json")),
                new Case("bootstrap=localhost:9,max.poll.records=many", List.of("--kafka max.poll.records",
                        "many", "allowed: int")),
                new Case("bootstrap=localhost:9,security.protocol=TLS", List.of("--kafka security.protocol",
                        "TLS", "SASL_SSL")),
                new Case("bootstrap=localhost:9,max.record.bytes=0", List.of("max.record.bytes", "at least 1")),
                new Case("bootstrap=a:9092,b:9092", List.of("'b:9092' is not key=value", ";-separated")));
        for (Case c : cases) {
            Cli.Result r = cli.run("serve", "--port", "0", "--duration", "1s", "--kafka", c.kafka());
            assertThat(r.code()).as(c.kafka()).isNotZero();
            assertThat(r.err()).as(c.kafka()).startsWith("vigil: ").contains(c.says()).doesNotContain("\tat ");
            assertThat(r.out()).as(c.kafka()).doesNotContain("Serving OTLP/HTTP");
        }
    }
}
