package dev.vigil.core.session;

/** Gives tests of other packages the session test scorer's class. */
public final class TurnsJudgeAccess {
    private TurnsJudgeAccess() {}

    /** @return {@link TurnsJudge}'s class */
    public static Class<?> type() {
        return TurnsJudge.class;
    }
}
