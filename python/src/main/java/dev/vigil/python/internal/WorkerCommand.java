package dev.vigil.python.internal;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a {@link ProcessRuntime} worker process ({@link WorkerMain}): this JVM's {@code java}, a heap
 * cap with {@code -XX:+ExitOnOutOfMemoryError}, the parent's module or class path and, when the parent runs the
 * optimizing Truffle runtime, the same JVMCI flags; then the sandbox settings as arguments.
 */
final class WorkerCommand {
    private WorkerCommand() {}

    /** @return the command starting one worker process with these settings */
    static List<String> of(SandboxSettings s) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        cmd.add("-Xmx" + s.processHeapMb() + "m");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+UseSerialGC");
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean jvmci = jvmArgs.contains("-XX:+EnableJVMCI");
        String upgrade = System.getProperty("jdk.module.upgrade.path");
        if (jvmci && upgrade != null) {
            cmd.add("-XX:+UnlockExperimentalVMOptions");
            cmd.add("-XX:+EnableJVMCI");
            cmd.add("--upgrade-module-path=" + upgrade);
        }
        for (String a : jvmArgs) {
            if (a.startsWith("-Dpolyglot.") || a.startsWith("-Dvigil.python.")) {
                cmd.add(a);
            }
        }
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        boolean named = WorkerMain.class.getModule().isNamed();
        if (named) {
            cmd.add("--enable-native-access=org.graalvm.truffle");
            cmd.add("-p");
            cmd.add(System.getProperty("jdk.module.path"));
            cmd.add("-m");
            cmd.add(WorkerMain.class.getModule().getName() + "/" + WorkerMain.class.getName());
        } else {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(WorkerMain.class.getName());
        }
        cmd.add(Long.toString(s.timeBudget().toMillis()));
        cmd.add(Long.toString(s.loadBudget().toMillis()));
        cmd.add(Long.toString(s.allocationBudgetBytes()));
        cmd.add(Integer.toString(s.outputLimitBytes()));
        cmd.add(Boolean.toString(s.optimizingRuntime()));
        cmd.add(Long.toString(s.cancelGrace().toMillis()));
        cmd.removeIf(String::isEmpty);
        return List.copyOf(cmd);
    }
}
