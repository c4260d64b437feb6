package dev.jclip.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub cache on disk, in the layout Python's {@code huggingface_hub} reads and
 * writes, so that models fetched by either are found by both:
 * <pre>
 * {cache}/models--{org}--{name}/
 *     refs/{revision}             the commit a branch or tag named when last asked
 *     blobs/{etag}                file contents, named by the hub's ETag (SHA-256 of LFS files)
 *     blobs/{etag}.incomplete     a download in progress, resumed from its length
 *     snapshots/{commit}/{file}   relative symbolic link to ../../blobs/{etag}
 *     .no_exist/{commit}/{file}   empty marker: the repository has no such file at that commit
 * </pre>
 */
final class HubCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path root;

    HubCache(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The folder of {@code repo} ({@code org/name}). */
    Path repoFolder(String repo) {
        return root.resolve("models--" + repo.replace("/", "--"));
    }

    /** True if {@code revision} is a full commit hash (which names immutable contents). */
    static boolean isCommit(String revision) {
        return COMMIT.matcher(revision).matches();
    }

    /** The commit {@code revision} named when last fetched (itself if it is a commit), or null if never fetched. */
    String commit(String repo, String revision) throws IOException {
        if (isCommit(revision)) {
            return revision;
        }
        Path ref = repoFolder(repo).resolve("refs").resolve(revision);
        if (!Files.isRegularFile(ref)) {
            return null;
        }
        String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
        if (!isCommit(commit)) {
            throw new IOException(ref + " is damaged: it should hold a 40-digit commit hash");
        }
        return commit;
    }

    /** Records that {@code revision} (a branch or tag) names {@code commit}. */
    void writeRef(String repo, String revision, String commit) throws IOException {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = repoFolder(repo).resolve("refs").resolve(revision);
        Files.createDirectories(ref.getParent());
        Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The snapshot path of {@code file} at {@code commit} (which may not exist). */
    Path snapshot(String repo, String commit, String file) {
        return repoFolder(repo).resolve("snapshots").resolve(commit).resolve(file);
    }

    /** The cached {@code file} at {@code commit}, or null if it is not in the cache. */
    Path cached(String repo, String commit, String file) {
        Path p = snapshot(repo, commit, file);
        return Files.isRegularFile(p) ? p : null;
    }

    /** True if an earlier request found that {@code file} does not exist at {@code commit}. */
    boolean knownMissing(String repo, String commit, String file) {
        return Files.isRegularFile(repoFolder(repo).resolve(".no_exist").resolve(commit).resolve(file));
    }

    /** Remembers that {@code file} does not exist at {@code commit}. */
    void recordMissing(String repo, String commit, String file) throws IOException {
        Path marker = repoFolder(repo).resolve(".no_exist").resolve(commit).resolve(file);
        Files.createDirectories(marker.getParent());
        if (!Files.exists(marker)) {
            Files.createFile(marker);
        }
    }

    /** The blob holding contents with {@code etag}. */
    Path blob(String repo, String etag) {
        return repoFolder(repo).resolve("blobs").resolve(etag);
    }

    /** Where a download of the blob {@code etag} is written until complete. */
    Path incomplete(String repo, String etag) {
        return repoFolder(repo).resolve("blobs").resolve(etag + ".incomplete");
    }

    /** The lock file that serialises downloads of one blob (the path {@code huggingface_hub} uses). */
    Path lock(String repo, String etag) {
        return root.resolve(".locks").resolve(repoFolder(repo).getFileName()).resolve(etag + ".lock");
    }

    /**
     * Makes {@code file} at {@code commit} point at the blob {@code etag}: a relative symbolic
     * link, or a copy where the file system has none. Returns the snapshot path.
     */
    Path link(String repo, String commit, String file, String etag) throws IOException {
        Path target = snapshot(repo, commit, file), blob = blob(repo, etag);
        Files.createDirectories(target.getParent());
        if (Files.isRegularFile(target)) {
            return target;
        }
        Files.deleteIfExists(target);
        try {
            Files.createSymbolicLink(target, target.getParent().relativize(blob));
        } catch (FileAlreadyExistsException e) {
            return target;
        } catch (UnsupportedOperationException | IOException e) {
            Path tmp = Files.createTempFile(target.getParent(), ".copy", ".tmp");
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return target;
    }
}
