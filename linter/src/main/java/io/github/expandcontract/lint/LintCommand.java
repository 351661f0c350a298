package io.github.expandcontract.lint;

import io.github.expandcontract.lint.LintReport.FailOn;
import io.github.expandcontract.lint.sql.Dialect;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The linter on the command line, for CI:
 *
 * <pre>
 * java -cp ... io.github.expandcontract.lint.LintCommand [options] changelog...
 *   --format text|json          report format (default text)
 *   --output FILE               write the report there instead of standard output
 *   --fail-on error|warning|never   exit 1 when findings reach this severity (default error)
 *   --database postgresql|mysql|mariadb  (default postgresql)
 *   --postgres-version N        PostgreSQL major version assumed (default 12)
 *   --search-path DIR[,DIR...]  directories changelogs and includes are resolved in
 *                               (default: the working directory and src/main/resources)
 * </pre>
 *
 * Exit status: 0 clean (below the threshold), 1 findings at or above it, 2 bad arguments.
 */
public final class LintCommand {

    private LintCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String format = "text";
        Path output = null;
        FailOn failOn = FailOn.ERROR;
        LintOptions options = LintOptions.defaults();
        Path workingDirectory = Path.of("").toAbsolutePath();
        List<Path> searchPath = new ArrayList<>(List.of(workingDirectory, workingDirectory.resolve("src/main/resources")));
        List<String> changelogs = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--format" -> format = value(args, ++i, arg, "text", "json");
                    case "--output" -> output = Path.of(value(args, ++i, arg));
                    case "--fail-on" -> failOn = FailOn.parse(value(args, ++i, arg));
                    case "--database" -> options = options.withDialect(Dialect.parse(value(args, ++i, arg)));
                    case "--postgres-version" -> options = options.withPostgresVersion(Integer.parseInt(value(args, ++i, arg)));
                    case "--search-path" -> searchPath = Arrays.stream(value(args, ++i, arg).split(",")).map(String::trim)
                            .filter(s -> !s.isEmpty()).map(Path::of).toList();
                    case "--help", "-h" -> {
                        out.println(usage());
                        return 0;
                    }
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        changelogs.addAll(Arrays.stream(arg.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
                    }
                }
            }
            if (changelogs.isEmpty()) {
                throw new IllegalArgumentException("no changelog given");
            }
        } catch (IllegalArgumentException e) {
            err.println("expand-contract lint: " + e.getMessage());
            err.println(usage());
            return 2;
        }
        LintReport report = new ChangelogLinter(options).lint(ChangelogLinter.directories(searchPath), changelogs);
        String rendered = format.equals("json") ? report.toJson() : report.toText();
        if (output != null) {
            try {
                if (output.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(output.toAbsolutePath().getParent());
                }
                Files.writeString(output, rendered, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("expand-contract lint: cannot write " + output + ": " + e.getMessage());
                return 2;
            }
            out.println("expand-contract lint: report written to " + output);
        } else {
            out.print(rendered);
        }
        return report.fails(failOn) ? 1 : 0;
    }

    private static String value(String[] args, int i, String option, String... allowed) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[i];
        if (allowed.length > 0 && !Arrays.asList(allowed).contains(value)) {
            throw new IllegalArgumentException(option + " is one of " + String.join(", ", allowed) + ", not " + value);
        }
        return value;
    }

    private static String usage() {
        return "usage: LintCommand [--format text|json] [--output FILE] [--fail-on error|warning|never]"
                + " [--database postgresql|mysql|mariadb] [--postgres-version N] [--search-path DIR,...] changelog...";
    }
}
