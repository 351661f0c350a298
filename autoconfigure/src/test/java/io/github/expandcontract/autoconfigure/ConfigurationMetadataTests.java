package io.github.expandcontract.autoconfigure;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The configuration processor documents every property (IDE completion). */
class ConfigurationMetadataTests {

    @Test
    void metadataDocumentsEveryProperty() throws IOException {
        DocumentContext metadata = ownMetadata();
        List<Map<String, Object>> enabled = metadata.read("$.properties[?(@.name == 'expand-contract.enabled')]");
        assertThat(enabled).singleElement().satisfies(property -> {
            assertThat(property).containsEntry("type", "java.lang.Boolean").containsEntry("defaultValue", true);
            assertThat((String) property.get("description")).startsWith("Whether to enable expand-contract.");
        });
        List<Map<String, Object>> migrations = metadata.read("$.properties[?(@.name == 'expand-contract.migrations')]");
        assertThat(migrations).singleElement().satisfies(property -> {
            assertThat((String) property.get("type")).startsWith("java.util.Map<java.lang.String,")
                    .contains("ExpandContractProperties$MigrationProperties");
            assertThat((String) property.get("description")).contains("@DualWrite");
        });
        List<Map<String, Object>> heartbeat = metadata.read("$.properties[?(@.name == 'expand-contract.instances.heartbeat-interval')]");
        assertThat(heartbeat).singleElement().satisfies(property -> {
            assertThat(property).containsEntry("type", "java.time.Duration").containsEntry("defaultValue", "10s");
            assertThat((String) property.get("description")).contains("renews its entry");
        });
        List<Map<String, Object>> timeout = metadata.read("$.properties[?(@.name == 'expand-contract.instances.timeout')]");
        assertThat(timeout).singleElement().satisfies(property ->
                assertThat(property).containsEntry("type", "java.time.Duration").containsEntry("defaultValue", "30s"));
    }

    @Test
    void heartbeatDefaultsAreTheEngines() {
        assertThat(new ExpandContractProperties().getInstances().toSettings())
                .isEqualTo(io.github.expandcontract.fleet.HeartbeatSettings.DEFAULTS);
    }

    /** This module's metadata file; other jars on the class path ship one too. */
    private static DocumentContext ownMetadata() throws IOException {
        for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                DocumentContext document = JsonPath.parse(in);
                List<String> groups = document.read("$.groups[*].name");
                if (groups.contains("expand-contract")) {
                    return document;
                }
            }
        }
        throw new AssertionError("no META-INF/spring-configuration-metadata.json with the group expand-contract");
    }

    @Test
    void everyPropertyHasADescription() throws IOException {
        DocumentContext metadata = ownMetadata();
        List<Map<String, Object>> properties = metadata.read("$.properties[*]");
        // expand-contract.* from the properties classes, management.endpoint.expandcontract.* from the endpoint
        assertThat(properties).isNotEmpty().allSatisfy(property ->
                assertThat((String) property.get("description")).as("description of %s", property.get("name")).isNotBlank());
        assertThat(properties).filteredOn(property -> ((String) property.get("name")).startsWith("expand-contract."))
                .hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(property -> assertThat((String) property.get("sourceType"))
                        .startsWith(property.get("name").toString().startsWith("expand-contract.lint.")
                                ? io.github.expandcontract.autoconfigure.lint.ExpandContractLintProperties.class.getName()
                                : ExpandContractProperties.class.getName()));
    }

    @Test
    void initializeSchemaOffersItsValuesWithDescriptions() throws IOException {
        DocumentContext metadata = ownMetadata();
        List<Map<String, Object>> property = metadata.read("$.properties[?(@.name == 'expand-contract.jdbc.initialize-schema')]");
        assertThat(property).singleElement().satisfies(p -> assertThat(p).containsEntry("defaultValue", "always"));
        List<String> values = metadata.read("$.hints[?(@.name == 'expand-contract.jdbc.initialize-schema')].values[*].value");
        assertThat(values).containsExactly("always", "never");
        List<String> descriptions = metadata.read("$.hints[?(@.name == 'expand-contract.jdbc.initialize-schema')].values[*].description");
        assertThat(descriptions).hasSize(2).allSatisfy(description -> assertThat(description).isNotBlank());
    }
}
