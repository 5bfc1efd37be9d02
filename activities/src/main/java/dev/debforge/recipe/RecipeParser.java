package dev.debforge.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Reads a {@link Recipe} from YAML and reports every problem as a {@link RecipeException} that
 * names the file, line, column and key path.
 *
 * <p>Types are strict: a number or a boolean where a string is expected is an error (YAML reads
 * {@code mode: 0644} as a number), and so is a single value where a list is expected.
 */
public final class RecipeParser {

    private final ObjectMapper mapper;

    public RecipeParser() {
        YAMLMapper yaml = YAMLMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            yaml.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        yaml.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        this.mapper = yaml;
    }

    /** Reads the recipe file; errors name the file as given. */
    public Recipe parse(Path file) throws RecipeException {
        String text;
        try {
            text = UserFiles.read(file, "recipe");
        } catch (UserFiles.Refused e) {
            throw new RecipeException(file.toString(), 0, 0, "", e.problem(), e.hint(), e);
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /** Reads a recipe from text; {@code fileName} is used in error messages only. */
    public Recipe parse(String yamlText, String fileName) throws RecipeException {
        return parse(yamlText, fileName, null);
    }

    /**
     * Reads a recipe from text and checks that each {@code files[].source} is a regular file in
     * {@code recipeDir}; {@code fileName} is used in error messages only.
     *
     * @param recipeDir the recipe's directory, or null to leave the sources unchecked
     */
    public Recipe parse(String yamlText, String fileName, Path recipeDir) throws RecipeException {
        Objects.requireNonNull(yamlText, "yamlText");
        int longLine = UserFiles.firstLineLongerThan(yamlText, UserFiles.MAX_YAML_LINE);
        if (longLine > 0) {
            throw new RecipeException(fileName, longLine, 1, "",
                    "the line is longer than the " + UserFiles.MAX_YAML_LINE + " characters a recipe line may have",
                    "put long content in a file next to the recipe and name it with files[].source");
        }
        YamlLocations locations = YamlLocations.read(yamlText, fileName);
        Recipe recipe;
        try {
            recipe = mapper.readValue(yamlText, Recipe.class);
        } catch (JsonProcessingException e) {
            throw translate(e, locations, fileName);
        }
        if (recipeDir != null) {
            for (int i = 0; i < recipe.files().size(); i++) {
                FileEntry entry = recipe.files().get(i);
                if (entry.source() == null) {
                    continue;
                }
                try {
                    entry.checkSource(recipeDir);
                } catch (InvalidRecipeValueException e) {
                    throw at(locations, fileName, "files[" + i + "]." + e.path(), e.problem(), e.hint(), e);
                }
            }
        }
        return recipe;
    }

    /**
     * Reads one section of a recipe, such as a plugin's options, into {@code type} with the same
     * strict rules and errors as the recipe itself.
     *
     * @param value the section as the recipe holds it (maps, lists, strings, numbers)
     * @param yamlText the recipe's text, to locate errors
     * @param path the section's key path in the recipe, e.g. {@code plugins.hello}
     */
    public <T> T readSection(Object value, Class<T> type, String yamlText, String fileName, String path)
            throws RecipeException {
        YamlLocations locations = YamlLocations.read(yamlText, fileName);
        try {
            String json = new ObjectMapper().writeValueAsString(value);
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw translate(e, locations, fileName, path);
        }
    }

    /** A recipe error at a key path, located in the recipe's text. */
    public static RecipeException errorAt(String yamlText, String fileName, String path, String problem,
            String hint) {
        try {
            return at(YamlLocations.read(yamlText, fileName), fileName, path, problem, hint, null);
        } catch (RecipeException unreadable) {
            return unreadable;
        }
    }

    private static RecipeException translate(JsonProcessingException e, YamlLocations locations, String file) {
        return translate(e, locations, file, "");
    }

    private static RecipeException translate(JsonProcessingException e, YamlLocations locations, String file,
            String prefix) {
        String path = join(prefix, e instanceof JsonMappingException mapping ? pathOf(mapping.getPath()) : "");
        InvalidRecipeValueException invalid = findInvalidValue(e);
        if (invalid != null) {
            return at(locations, file, join(path, invalid.path()), invalid.problem(), invalid.hint(), e);
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return at(locations, file, path, "unknown key " + Checks.quote(unknown.getPropertyName()),
                    unknownKeyHint(unknown.getPropertyName(), unknown.getKnownPropertyIds()), e);
        }
        if (e instanceof MismatchedInputException mismatch) {
            String expected = describe(mismatch.getTargetType());
            String got = locations.kindAt(path);
            String hint = null;
            if ("a string".equals(expected) && ("a number".equals(got) || "a boolean".equals(got))) {
                hint = "put the value in quotes, e.g. mode: \"0644\"; YAML reads 0644, 1.0 and yes as other types";
            } else if ("a list".equals(expected)) {
                hint = "write a list, one item per line starting with '- ', or [a, b]";
            }
            return at(locations, file, path, "expected " + expected + ", got " + (got == null ? "something else" : got),
                    hint, e);
        }
        return at(locations, file, path, e.getOriginalMessage(), null, e);
    }

    private static RecipeException at(YamlLocations locations, String file, String path, String problem, String hint,
            Throwable cause) {
        YamlLocations.Node node = locations.find(path);
        return new RecipeException(file, node.line(), node.column(), path, problem, hint, cause);
    }

    private static InvalidRecipeValueException findInvalidValue(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidRecipeValueException invalid) {
                return invalid;
            }
        }
        return null;
    }

    static String pathOf(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String join(String parent, String child) {
        if (child.isEmpty()) {
            return parent;
        }
        if (parent.isEmpty() || child.startsWith("[")) {
            return parent + child;
        }
        return parent + "." + child;
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class) {
            return "an integer";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isRecord()) {
            return "a mapping";
        }
        return type.getSimpleName();
    }

    static String unknownKeyHint(String key, Collection<Object> known) {
        List<String> keys = known.stream().map(String::valueOf).sorted().toList();
        String valid = "valid keys here: " + String.join(", ", keys);
        String closest = keys.stream()
                .min(Comparator.comparingInt(candidate -> distance(key, candidate)))
                .filter(candidate -> distance(key, candidate) <= Math.max(1, Math.min(2, candidate.length() / 3)))
                .orElse(null);
        return closest == null ? valid : "did you mean '" + closest + "'? " + valid;
    }

    /** Levenshtein distance, for suggesting the key a typo meant. */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
