package dev.vigil.storage.fs;

/**
 * What a compaction of the assessment log did.
 *
 * @param segmentsBefore segments before
 * @param bytesBefore bytes before
 * @param bytesAfter bytes after
 * @param liveAssessments assessments kept
 */
public record CompactionResult(int segmentsBefore, long bytesBefore, long bytesAfter, long liveAssessments) {}
