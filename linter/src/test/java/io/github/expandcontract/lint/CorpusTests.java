package io.github.expandcontract.lint;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The corpus under src/test/resources/corpus: per rule a dangerous changelog, its safe rewrite and
 * a new-table case, in at least two formats. Each directory's expected.properties lists every
 * file with exactly the rule ids the linter must report for it; a safe file expects none.
 */
class CorpusTests {

    static Path corpus() throws URISyntaxException {
        return Path.of(CorpusTests.class.getResource("/corpus").toURI());
    }

    static Stream<Arguments> corpusFiles() throws IOException, URISyntaxException {
        List<Arguments> arguments = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(corpus())) {
            for (Path dir : dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("_")).sorted().toList()) {
                Properties expected = new Properties();
                try (Reader in = Files.newBufferedReader(dir.resolve("expected.properties"))) {
                    expected.load(in);
                }
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(f -> !f.getFileName().toString().equals("expected.properties")).sorted().toList()) {
                        String name = file.getFileName().toString();
                        assertThat(expected.getProperty(name)).as("%s/expected.properties lists %s", dir.getFileName(), name).isNotNull();
                        Set<String> rules = Arrays.stream(expected.getProperty(name).split(","))
                                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
                        arguments.add(Arguments.of(dir.getFileName() + "/" + name, rules));
                    }
                }
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("corpusFiles")
    void linterReportsExactlyTheExpectedRules(String file, Set<String> expectedRules) throws Exception {
        FileReport report = new ChangelogLinter().lint(ChangelogLinter.directories(List.of(corpus())), file);

        Set<String> reported = report.findings().stream().map(Finding::rule).collect(Collectors.toCollection(TreeSet::new));
        assertThat(reported).as("rules reported for %s:%n%s", file, new LintReport(List.of(report)).toText())
                .isEqualTo(expectedRules);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusFiles")
    void everyFindingNamesItsChangeSetAndLine(String file, Set<String> expectedRules) throws Exception {
        FileReport report = new ChangelogLinter().lint(ChangelogLinter.directories(List.of(corpus())), file);

        for (Finding finding : report.findings()) {
            if (!finding.rule().equals("parse-error")) {
                assertThat(finding.changeSetId()).as(finding.toString()).isNotBlank();
                assertThat(finding.author()).as(finding.toString()).isEqualTo("corpus");
                assertThat(finding.line()).as(finding.toString()).isNotNull().isPositive();
            }
            assertThat(finding.lock()).isNotBlank();
            assertThat(finding.fix()).isNotBlank();
            assertThat(finding.message()).isNotBlank();
        }
    }
}
