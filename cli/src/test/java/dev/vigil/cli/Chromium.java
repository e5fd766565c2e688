package dev.vigil.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's {@code chromium}, installed by {@code ./run-tests} via
 * {@code .ci/setup.d/10-chromium.sh}) for tests: loads a local file with the network off, returns the DOM after scripts ran and the console messages, and takes
 * screenshots.
 */
public final class Chromium {

    /**
     * @param dom the document after its scripts ran
     * @param console every console message and uncaught error the page produced
     */
    public record Page(String dom, List<String> console) {}

    private static final long TIMEOUT_SECONDS = 90;

    private Chromium() {}

    /** @return the chromium binary; fails (never skips) when it is missing, saying how to install it */
    static String binary() {
        for (String c : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        throw new AssertionError("chromium is not installed: run ./run-tests as root, or apt-get install chromium");
    }

    private static List<String> base(Path profile) {
        return new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", "--user-data-dir=" + profile,
                "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000"));
    }

    /**
     * @param html a local HTML file
     * @param work a folder for the browser profile and logs
     * @return the DOM and the console output
     */
    public static Page load(Path html, Path work) throws IOException, InterruptedException {
        List<String> cmd = base(work.resolve("profile-dom"));
        cmd.add("--dump-dom");
        cmd.add(html.toUri().toString());
        Path out = work.resolve("dom.html");
        Path err = work.resolve("chromium-dom.log");
        run(cmd, out, err);
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
            if (line.contains(":CONSOLE") || line.contains("Uncaught")) {
                console.add(line);
            }
        }
        return new Page(Files.readString(out, StandardCharsets.UTF_8), console);
    }

    /**
     * @param html a local HTML file
     * @param png where to save the screenshot
     * @param work a folder for the browser profile and logs
     */
    public static void screenshot(Path html, Path png, Path work) throws IOException, InterruptedException {
        List<String> cmd = base(work.resolve("profile-shot"));
        cmd.add("--hide-scrollbars");
        cmd.add("--window-size=1280,2200");
        cmd.add("--screenshot=" + png.toAbsolutePath());
        cmd.add(html.toUri().toString());
        run(cmd, work.resolve("chromium-shot.out"), work.resolve("chromium-shot.log"));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new AssertionError("chromium wrote no screenshot; see " + work.resolve("chromium-shot.log"));
        }
    }

    private static void run(List<String> cmd, Path out, Path err) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + p.exitValue() + "; see " + err);
        }
    }
}
