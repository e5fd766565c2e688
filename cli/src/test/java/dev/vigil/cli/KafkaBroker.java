package dev.vigil.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * The kafka module's in-process KRaft broker ({@code dev.vigil.kafka.SharedTestBroker} in its test classes), reached
 * by reflection: the broker's jars split packages with {@code kafka-clients}, so this module cannot compile against
 * them on its module path. Only the {@code kafka-broker} Surefire execution (class path, broker jars added; see
 * this module's pom) has it.
 */
final class KafkaBroker {

    private static final String TYPE = "dev.vigil.kafka.SharedTestBroker";

    private KafkaBroker() {}

    static String bootstrapServers() {
        return (String) call("bootstrapServers", new Class<?>[0]);
    }

    static void createTopic(String topic, int partitions) {
        call("createTopic", new Class<?>[] {String.class, int.class}, topic, partitions);
    }

    /** @return the MLflow trace ids of {@code count} OTel SDK traces written as OTLP protobuf records */
    @SuppressWarnings("unchecked")
    static List<String> produceOtlpProto(String topic, int count) {
        return (List<String>) call("produceOtlpProto", new Class<?>[] {String.class, int.class}, topic, count);
    }

    static long committed(String topic, String group) {
        return (Long) call("committed", new Class<?>[] {String.class, String.class}, topic, group);
    }

    private static Object call(String name, Class<?>[] types, Object... args) {
        Method m;
        try {
            m = Class.forName(TYPE).getMethod(name, types);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the kafka module's test broker is not on the class path (run this test"
                    + " in the cli module's kafka-broker Surefire execution, after the kafka module's test-compile): "
                    + e, e);
        }
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
