package dev.vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code vigil serve --kafka}'s value: what it accepts, and errors that name the key and what is allowed. */
class KafkaSourceOptionsParseTest {

    @Test
    void parse_readsVigilKeys_severalServersAndTopics_andPassesKafkaPropertiesThrough() {
        KafkaSourceOptions o = KafkaSourceOptions.parse("bootstrap=k1:9092;k2:9092,topic=a;b,group=g,format=otlp_json,"
                + "experiment=shop,dlq=bad,assessments=scores,max.record.bytes=1024,security.protocol=SASL_SSL,"
                + "acks=all,session.timeout.ms=6000");
        assertThat(o.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(o.topics()).containsExactly("a", "b");
        assertThat(o.groupId()).isEqualTo("g");
        assertThat(o.format()).isEqualTo(RecordFormat.OTLP_JSON);
        assertThat(o.experiment()).isEqualTo("shop");
        assertThat(o.deadLetterTopic()).isEqualTo("bad");
        assertThat(o.assessmentsTopic()).isEqualTo("scores");
        assertThat(o.maxRecordBytes()).isEqualTo(1024);
        assertThat(o.clientProperties()).isEqualTo(Map.of("security.protocol", "SASL_SSL", "acks", "all",
                "session.timeout.ms", "6000"));
    }

    @Test
    void parse_refusesBadValues_namingTheKeyAndWhatIsAllowed() {
        record Case(String spec, List<String> says) {}
        List<Case> cases = List.of(
                new Case("topic=t", List.of("--kafka", "bootstrap", "required")),
                new Case("bootstrap=", List.of("--kafka: bootstrap has no value", "host:port")),
                new Case("bootstrap=k:9092,topic=t,format=xml", List.of("--kafka format", "'xml'",
                        "otlp_proto, otlp_json or mlflow_json")),
                new Case("bootstrap=k:9092,max.record.bytes=-5", List.of("max.record.bytes", "at least 1", "'-5'")),
                new Case("bootstrap=k:9092,max.record.bytes=big", List.of("max.record.bytes", "whole number")),
                new Case("bootstrap=k:9092,grup=g", List.of("unknown key 'grup'", "group", "Kafka consumer or producer")),
                new Case("bootstrap=k:9092,max.poll.records=lots", List.of("--kafka max.poll.records", "lots",
                        "int")),
                new Case("bootstrap=k:9092,max.poll.records=0", List.of("--kafka max.poll.records", "at least 1")),
                new Case("bootstrap=k:9092,security.protocol=TLS", List.of("--kafka security.protocol", "TLS",
                        "SASL_SSL")),
                new Case("bootstrap=k:9092,k2:9092", List.of("'k2:9092' is not key=value", ";-separated")),
                new Case("bootstrap=k:9092,topic=t,dlq=t", List.of("--kafka", "must differ")));
        for (Case c : cases) {
            assertThatThrownBy(() -> KafkaSourceOptions.parse(c.spec())).as(c.spec())
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).as(c.spec()).contains(c.says()));
        }
    }
}
