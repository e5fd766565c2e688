package dev.vigil.python.internal;

import org.graalvm.polyglot.Value;

/**
 * A scorer loaded into a context: the function the harness's {@code load} returned, and which of inputs, outputs
 * and expectations it takes (its {@code vigil_takes} mark), so that a call packs only those.
 *
 * @param fn the guarded call
 * @param inputs true if the scorer takes {@code inputs}
 * @param outputs true if the scorer takes {@code outputs}
 * @param expectations true if the scorer takes {@code expectations}
 */
record LoadedScorer(Value fn, boolean inputs, boolean outputs, boolean expectations) {

    /** @param fn what the harness's {@code load} returned @return it with the arguments it takes */
    static LoadedScorer of(Value fn) {
        Value mark = fn.getMember("vigil_takes");
        // A session scorer has no mark: it is called with the session alone.
        String takes = mark == null || mark.isNull() ? "" : mark.asString();
        return new LoadedScorer(fn, takes.indexOf('i') >= 0, takes.indexOf('o') >= 0, takes.indexOf('e') >= 0);
    }
}
