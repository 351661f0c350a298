package io.github.expandcontract.lint;

import liquibase.Scope;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.parser.ChangeLogParser;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.CompositeResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lints Liquibase changelogs (XML, YAML, JSON, formatted SQL, with their includes) for changes
 * that lock or rewrite a busy table. Parsing is Liquibase's own; typed changes are turned into the
 * SQL Liquibase would run on the target database and classified with the same classifier as raw
 * SQL, so both go through one set of rules.
 */
public final class ChangelogLinter {

    private static final Pattern PARSE_ERROR_LINE = Pattern.compile("\\bline (\\d+)");

    private final LintOptions options;

    public ChangelogLinter() {
        this(LintOptions.defaults());
    }

    public ChangelogLinter(LintOptions options) {
        this.options = options;
    }

    /**
     * Lints each changelog on its own (with what it includes). Every requested file appears once
     * in the report, in the order given; a file that does not parse gets one {@code parse-error}.
     *
     * @param accessor where Liquibase finds the changelogs and their includes
     * @param changelogs paths as Liquibase resolves them through {@code accessor}
     */
    public LintReport lint(ResourceAccessor accessor, List<String> changelogs) {
        List<FileReport> files = new ArrayList<>();
        for (String changelog : changelogs) {
            files.add(lint(accessor, changelog));
        }
        return new LintReport(files);
    }

    /** Lints one changelog with what it includes. */
    public FileReport lint(ResourceAccessor accessor, String changelog) {
        DatabaseChangeLog parsed;
        try {
            parsed = Scope.child(Map.of(Scope.Attr.resourceAccessor.name(), accessor), () -> {
                ChangeLogParser parser = ChangeLogParserFactory.getInstance().getParser(changelog, accessor);
                return parser.parse(changelog, new ChangeLogParameters(), accessor);
            });
        } catch (Exception e) {
            return parseError(changelog, e);
        }
        try {
            return Scope.child(Map.of(Scope.Attr.resourceAccessor.name(), accessor),
                    () -> new ChangelogAnalysis(changelog, this.options, new ChangeSetLines(accessor)).run(parsed));
        } catch (Exception e) {
            throw new IllegalStateException("Linting " + changelog + " failed: " + e.getMessage(), e);
        }
    }

    private static FileReport parseError(String changelog, Exception e) {
        String message = rootMessage(e);
        Integer line = null;
        for (Throwable t = e; t != null && line == null; t = t.getCause()) {
            Matcher m = PARSE_ERROR_LINE.matcher(String.valueOf(t.getMessage()));
            line = m.find() ? Integer.valueOf(m.group(1)) : null;
        }
        Rule rule = Rule.PARSE_ERROR;
        Finding finding = new Finding(rule.id(), rule.severity(), null, null, line, changelog, rule.lock(), false,
                "Liquibase cannot parse " + changelog + ": " + message, rule.fix());
        return new FileReport(changelog, List.of(finding), List.of());
    }

    private static String rootMessage(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getName() : message;
    }

    /**
     * A resource accessor over directories, for files and includes given relative to any of them
     * (e.g. a project's base directory and {@code src/main/resources}); missing directories are skipped.
     */
    public static ResourceAccessor directories(List<Path> roots) {
        List<ResourceAccessor> accessors = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try {
                    accessors.add(new DirectoryResourceAccessor(root.toAbsolutePath().normalize()));
                } catch (FileNotFoundException e) {
                    // checked above; a directory removed since is simply not searched
                }
            }
        }
        return new CompositeResourceAccessor(accessors);
    }
}
