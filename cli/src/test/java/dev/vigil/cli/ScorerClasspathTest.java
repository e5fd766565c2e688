package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.TraceGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --classpath}: a custom Java scorer in a jar of its own registers, and runs with {@code scorers try}. */
class ScorerClasspathTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @TempDir
    Path tmp;

    @AfterEach
    void close() {
        store.close();
    }

    /** Compiles a CodeScorer outside the CLI's module path and packs it into a jar. */
    private Path scorerJar() throws Exception {
        Path src = tmp.resolve("src/com/example/LongEnough.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package com.example;

                public class LongEnough implements dev.vigil.core.scorer.CodeScorer {
                    @Override
                    public Object score(dev.vigil.spi.scorer.ScorerInput input) {
                        return String.valueOf(input.outputs()).length() > 3;
                    }
                }
                """);
        Path classes = tmp.resolve("classes");
        Path javac = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("javac");
        Process p = new ProcessBuilder(javac.toString(), "-d", classes.toString(), "-p",
                System.getProperty("jdk.module.path"), "--add-modules", "dev.vigil.core,dev.vigil.spi", src.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(log).isZero();
        Path jar = tmp.resolve("scorers.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            Path cls = classes.resolve("com/example/LongEnough.class");
            out.putNextEntry(new JarEntry("com/example/LongEnough.class"));
            out.write(Files.readAllBytes(cls));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void javaScorerInAJar_registersAndRuns_withClasspath() throws Exception {
        Path jar = scorerJar();
        Experiment e = store.experiments().getOrCreate("default");
        store.traces().put(new TraceGenerator(5, e.experimentId()).traces(3));

        Cli.Result without = cli.run("scorers", "register", "long_enough", "--java", "com.example.LongEnough");
        Cli.Result reg = cli.run("scorers", "register", "long_enough", "--java", "com.example.LongEnough",
                "--classpath", jar.toString());
        Cli.Result tried = cli.run("--classpath", jar.toString(), "scorers", "try", "long_enough", "--from", "3650d");

        assertThat(without.code()).isEqualTo(2);
        assertThat(without.err()).contains("cannot be loaded").contains("--classpath");
        assertThat(reg.code()).as(reg.err()).isZero();
        assertThat(reg.out()).startsWith("Registered 'long_enough' version 1 (java)");
        assertThat(tried.code()).as(tried.err()).isZero();
        assertThat(tried.out()).contains("Tried 'long_enough' on 3 of the 3 latest traces").contains("0 errors");
        List<String> rows = tried.out().lines().filter(l -> l.startsWith("tr-")).toList();
        assertThat(rows).hasSize(3).allSatisfy(l -> assertThat(l).containsAnyOf("true", "false"));
    }

    @Test
    void classpathEntryThatDoesNotExist_isAUsageError() {
        Cli.Result r = cli.run("scorers", "list", "--classpath", tmp.resolve("missing.jar").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("vigil: --classpath entry '" + tmp.resolve("missing.jar")
                + "' is neither a .jar file nor a folder of classes (it does not exist); separate entries with ':'\n");
    }
}
