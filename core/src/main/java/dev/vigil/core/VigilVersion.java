package dev.vigil.core;

/** The version of Vigil on the path. */
public final class VigilVersion {
    private VigilVersion() {}

    /** @return the implementation version from the jar manifest, or {@code 0.1.0-SNAPSHOT} when run from classes */
    public static String current() {
        String v = VigilVersion.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
