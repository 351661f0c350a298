package io.github.expandcontract.maven;

import io.github.expandcontract.lint.ChangelogLinter;
import io.github.expandcontract.lint.LintOptions;
import io.github.expandcontract.lint.LintReport;
import io.github.expandcontract.lint.LintReport.FailOn;
import io.github.expandcontract.lint.Severity;
import io.github.expandcontract.lint.sql.Dialect;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Lints Liquibase changelogs for changes that lock or rewrite a busy table. Runs in any project
 * without changing its pom:
 *
 * <pre>
 * mvn io.github.expandcontract:expand-contract-maven-plugin:&lt;version&gt;:lint \
 *     -Dexpand-contract.lint.changelogs=db/a.xml,db/b.sql -Dexpand-contract.lint.format=json
 * </pre>
 *
 * Changelogs and their includes are resolved against the project's base directory and its search
 * path ({@code src/main/resources} by default, where Spring Boot keeps them on the class path).
 */
@Mojo(name = "lint", defaultPhase = LifecyclePhase.VERIFY, requiresProject = false, threadSafe = true)
public class LintMojo extends AbstractMojo {

    /** Where the default changelog is looked for, in this order, under each search path directory. */
    static final List<String> DEFAULT_CHANGELOGS = List.of("db/changelog/db.changelog-master.yaml", "db/changelog/db.changelog-master.yml",
            "db/changelog/db.changelog-master.xml", "db/changelog/db.changelog-master.json", "db/changelog/db.changelog-master.sql");

    /** The project's directory; without a pom (Maven's standalone project) there is none. */
    @Parameter(defaultValue = "${project.basedir}", readonly = true)
    File basedir;

    /** Where Maven was started: the base directory when there is no pom. */
    @Parameter(defaultValue = "${session.executionRootDirectory}", readonly = true)
    File executionRootDirectory;

    @Parameter(defaultValue = "${project.build.directory}", readonly = true)
    File buildDirectory;

    /**
     * Comma-separated changelogs, relative to the base directory or to a search path directory.
     * Default: the Liquibase master changelog Spring Boot uses,
     * {@code src/main/resources/db/changelog/db.changelog-master.yaml} (or {@code .yml}, {@code .xml},
     * {@code .json}, {@code .sql}).
     */
    @Parameter(property = "expand-contract.lint.changelogs")
    String changelogs;

    /** Report format: {@code text} or {@code json}. */
    @Parameter(property = "expand-contract.lint.format", defaultValue = "text")
    String format;

    /** Report file. Default: text to the console, JSON to {@code target/expand-contract-lint.json}. */
    @Parameter(property = "expand-contract.lint.output")
    File output;

    /** The findings that fail the build: {@code error}, {@code warning} or {@code never}. */
    @Parameter(property = "expand-contract.lint.fail-on", defaultValue = "error")
    String failOn;

    /** The database whose locking rules apply: {@code postgresql}, {@code mysql} or {@code mariadb}. */
    @Parameter(property = "expand-contract.lint.database", defaultValue = "postgresql")
    String database;

    /** The PostgreSQL major version assumed (before 11 every added default rewrites the table). */
    @Parameter(property = "expand-contract.lint.postgres-version", defaultValue = "12")
    int postgresVersion;

    /** Comma-separated directories (relative to the base directory) where changelogs and includes are found. */
    @Parameter(property = "expand-contract.lint.search-path", defaultValue = "src/main/resources")
    String searchPath;

    /** Skips the goal. */
    @Parameter(property = "expand-contract.lint.skip", defaultValue = "false")
    boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (this.skip) {
            getLog().info("expand-contract lint skipped");
            return;
        }
        boolean json = switch (this.format.trim().toLowerCase(Locale.ROOT)) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new MojoExecutionException("expand-contract.lint.format is text or json, not '" + this.format + "'");
        };
        FailOn threshold;
        LintOptions options;
        try {
            threshold = FailOn.parse(this.failOn);
            options = new LintOptions(Dialect.parse(this.database), this.postgresVersion);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("expand-contract lint: " + e.getMessage(), e);
        }
        File baseDirectory = this.basedir != null ? this.basedir
                : this.executionRootDirectory != null ? this.executionRootDirectory : new File(System.getProperty("user.dir"));
        Path base = baseDirectory.toPath().toAbsolutePath().normalize();
        List<Path> roots = new ArrayList<>();
        roots.add(base);
        Arrays.stream(this.searchPath.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(base::resolve).forEach(roots::add);
        List<String> files = changelogFiles(base, roots);

        LintReport report = new ChangelogLinter(options).lint(ChangelogLinter.directories(roots), files);

        String rendered = json ? report.toJson() : report.toText();
        File reports = this.buildDirectory != null && this.basedir != null ? this.buildDirectory : base.resolve("target").toFile();
        File target = this.output != null ? this.output : json ? new File(reports, "expand-contract-lint.json") : null;
        if (target != null) {
            write(target, rendered);
            getLog().info("expand-contract lint report written to " + target);
        }
        if (!json) {
            rendered.lines().forEach(line -> getLog().info(line));
        }
        String summary = "expand-contract lint: %d error(s), %d warning(s) in %d changelog(s)".formatted(
                report.count(Severity.ERROR), report.count(Severity.WARNING), files.size());
        if (report.fails(threshold)) {
            throw new MojoFailureException(summary + " (fail-on " + threshold.name().toLowerCase(Locale.ROOT) + ")"
                    + (target != null ? ", see " + target : ""));
        }
        getLog().info(summary);
    }

    /** The requested changelogs as given, or the default master changelog found in the search path. */
    private List<String> changelogFiles(Path base, List<Path> roots) throws MojoExecutionException {
        if (this.changelogs != null && !this.changelogs.isBlank()) {
            return Arrays.stream(this.changelogs.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .map(file -> relativeTo(base, file)).toList();
        }
        for (Path root : roots.subList(1, roots.size())) {
            for (String candidate : DEFAULT_CHANGELOGS) {
                if (Files.isRegularFile(root.resolve(candidate))) {
                    return List.of(candidate);
                }
            }
        }
        throw new MojoExecutionException("expand-contract lint: no changelog to lint. Looked for " + String.join(", ", DEFAULT_CHANGELOGS)
                + " under " + this.searchPath + "; name the changelogs with -Dexpand-contract.lint.changelogs=db/a.xml,db/b.sql");
    }

    /** Liquibase resolves paths inside the search path: an absolute path under the base directory is made relative to it. */
    private static String relativeTo(Path base, String file) {
        Path path = Path.of(file);
        if (path.isAbsolute() && path.normalize().startsWith(base)) {
            return base.relativize(path.normalize()).toString().replace(File.separatorChar, '/');
        }
        return file;
    }

    private static void write(File target, String content) throws MojoExecutionException {
        try {
            if (target.getAbsoluteFile().getParentFile() != null) {
                Files.createDirectories(target.getAbsoluteFile().getParentFile().toPath());
            }
            Files.writeString(target.toPath(), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MojoExecutionException("expand-contract lint: cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
