package io.github.expandcontract.lint;

import io.github.expandcontract.lint.LintReport.FailOn;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.ResourceAccessor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The linter as one static call in a project's own tests:
 *
 * <pre>{@code
 * @Test
 * void migrationsAreSafe() {
 *     ChangelogLint.assertSafe("db/changelog/db.changelog-master.yaml");
 * }
 * }</pre>
 *
 * A changelog is looked up on the class path first (where Spring Boot's
 * {@code spring.liquibase.change-log} finds it; a {@code classpath:} prefix is allowed), then as a
 * file relative to the working directory, with {@code src/main/resources} and
 * {@code src/test/resources} searched for its includes.
 */
public final class ChangelogLint {

    private ChangelogLint() {
    }

    /** Fails with every finding listed when a changelog has an {@code error} finding. */
    public static void assertSafe(String... changelogs) {
        assertSafe(LintOptions.defaults(), FailOn.ERROR, changelogs);
    }

    /**
     * Fails with every finding listed when the findings reach {@code failOn}.
     *
     * @throws AssertionError listing the findings
     */
    public static void assertSafe(LintOptions options, FailOn failOn, String... changelogs) {
        LintReport report = lint(options, changelogs);
        if (report.fails(failOn)) {
            throw new AssertionError("Dangerous migration changes (fail on " + failOn.name().toLowerCase(Locale.ROOT) + "):\n" + report.toText());
        }
    }

    /** The report for these changelogs, without failing. */
    public static LintReport lint(LintOptions options, String... changelogs) {
        ChangelogLinter linter = new ChangelogLinter(options);
        return new LintReport(List.of(changelogs).stream()
                .map(changelog -> {
                    String path = changelog.startsWith("classpath:") ? changelog.substring("classpath:".length()) : changelog;
                    path = path.startsWith("/") && !Files.exists(Path.of(path)) ? path.substring(1) : path;
                    return linter.lint(accessorFor(path), path);
                })
                .toList());
    }

    private static ResourceAccessor accessorFor(String path) {
        ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        if (classLoader != null && classLoader.getResource(path) != null) {
            return new ClassLoaderResourceAccessor(classLoader);
        }
        Path workingDirectory = Path.of("").toAbsolutePath();
        return ChangelogLinter.directories(List.of(workingDirectory, workingDirectory.resolve("src/main/resources"),
                workingDirectory.resolve("src/test/resources")));
    }
}
