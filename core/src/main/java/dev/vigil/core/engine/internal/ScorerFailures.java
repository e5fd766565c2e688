package dev.vigil.core.engine.internal;

import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** What {@link ScorerRunner} reads from a scorer's failure: its kind, whether to retry it, and its text. */
final class ScorerFailures {

    private static final int MAX_STACK_CHARS = 4_000;

    private ScorerFailures() {}

    /**
     * @param failure a scorer's failure
     * @return true if trying again at once may help: a {@link JudgeException} of a retryable kind, or an I/O failure
     */
    static boolean retryable(Throwable failure) {
        JudgeException judge = judgeCause(failure);
        return judge != null ? judge.retryable()
                : failure instanceof IOException || failure instanceof UncheckedIOException;
    }

    /**
     * @param failure what a scorer threw
     * @return its kind: a {@link JudgeException}'s anywhere in the cause chain, {@link FailureKind#CONNECTION} for
     *     an I/O failure, else null (a scorer's own failure)
     */
    static FailureKind kindOf(Throwable failure) {
        JudgeException judge = judgeCause(failure);
        return judge != null ? judge.kind()
                : failure instanceof IOException || failure instanceof UncheckedIOException
                ? FailureKind.CONNECTION : null;
    }

    /** @return the first {@link JudgeException} in the cause chain, or null */
    static JudgeException judgeCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JudgeException j) {
                return j;
            }
        }
        return null;
    }

    /** @return the stack trace as text, cut at 4,000 characters */
    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > MAX_STACK_CHARS ? s.substring(0, MAX_STACK_CHARS) : s;
    }

    /**
     * @param t a failure
     * @return its message with the causes below it, class names where a message is missing (a bare
     *     {@code ConnectException} says nothing with {@code getMessage()} alone)
     */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Throwable c = t;
        for (int depth = 0; c != null && depth < 4; depth++, c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            String part = c instanceof JudgeException && m != null ? m
                    : c.getClass().getName() + (m == null ? "" : ": " + m);
            if (sb.length() > 0) {
                sb.append(" (caused by ");
            }
            sb.append(part);
        }
        for (int i = sb.indexOf(" (caused by "); i >= 0; i = sb.indexOf(" (caused by ", i + 1)) {
            sb.append(')');
        }
        return sb.length() > 1_000 ? sb.substring(0, 1_000) + "…" : sb.toString();
    }
}
