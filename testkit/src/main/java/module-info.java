/**
 * Conformance suites every store backend and judge provider must pass, loopback fault servers, trace
 * generators and access to the real-world fixtures shipped in its resources.
 */
module dev.vigil.testkit {
    requires transitive dev.vigil.spi;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires transitive jdk.httpserver;

    exports dev.vigil.testkit;
    exports dev.vigil.testkit.http;
    exports dev.vigil.testkit.store;
    exports dev.vigil.testkit.judge;
    exports dev.vigil.testkit.session;

    // the judge kit checks that providers and codecs are found by ServiceLoader
    uses dev.vigil.spi.judge.JudgeProvider;
    uses dev.vigil.spi.scorer.ScorerCodec;

    // the suite's test methods are package-private, as JUnit recommends; JUnit reaches them reflectively
    opens dev.vigil.testkit.store to org.junit.platform.commons;
    opens dev.vigil.testkit.judge to org.junit.platform.commons;
    opens dev.vigil.testkit.session to org.junit.platform.commons;
}
