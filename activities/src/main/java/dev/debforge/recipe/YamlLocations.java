package dev.debforge.recipe;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Where each key and list item of a YAML recipe sits, by key path ({@code users[0].password}).
 *
 * <p>Jackson's data-binding errors often point at the end of the enclosing object rather than the
 * bad key, so the parser walks the token stream once itself, records the position of every
 * key and item, and locates errors by path. The same walk rejects what data binding cannot
 * report well: syntax errors, empty files, several documents, a top level that is not a mapping
 * and keys given twice.
 */
final class YamlLocations {

    /** A key's (or list item's) 1-based position and the kind of its value, e.g. "a mapping". */
    record Node(int line, int column, String kind) {
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final String file;
    private final Map<String, Node> nodes = new HashMap<>();

    private YamlLocations(String file) {
        this.file = file;
    }

    static YamlLocations read(String yamlText, String file) throws RecipeException {
        YamlLocations locations = new YamlLocations(file);
        try (JsonParser parser = FACTORY.createParser(yamlText)) {
            locations.readDocument(parser);
        } catch (JsonProcessingException e) {
            throw syntaxError(e, file);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        return locations;
    }

    /** Uses SnakeYAML's own problem and position: Jackson's location is where it stopped reading. */
    private static RecipeException syntaxError(JsonProcessingException e, String file) {
        String hint = "check the indentation and quoting near this line";
        if (e instanceof StreamConstraintsException) {
            JsonLocation at = e.getLocation();
            return new RecipeException(file, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "",
                    "the YAML is beyond what a recipe can be: " + firstLine(e.getOriginalMessage())
                            .replaceFirst(", from `.*`\\)", ")").replace("Document nesting depth", "nesting depth"),
                    "a recipe nests a few levels deep; check that this is the file you meant", e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                String problem = marked.getContext() == null
                        ? marked.getProblem() : marked.getContext() + ": " + marked.getProblem();
                return new RecipeException(file, marked.getProblemMark().getLine() + 1,
                        marked.getProblemMark().getColumn() + 1, "", "invalid YAML: " + problem, hint, e);
            }
        }
        JsonLocation at = e.getLocation();
        return new RecipeException(file, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "",
                "invalid YAML: " + firstLine(e.getOriginalMessage()), hint, e);
    }

    /** The node at the path, else at its nearest parent that is in the file, else the document start. */
    Node find(String path) {
        String current = path;
        while (true) {
            Node node = nodes.get(current);
            if (node != null) {
                return node;
            }
            if (current.isEmpty()) {
                return new Node(1, 1, "a mapping");
            }
            current = parent(current);
        }
    }

    /** The kind of the value at exactly this path, or null when the file has no such key. */
    String kindAt(String path) {
        Node node = nodes.get(path);
        return node == null ? null : node.kind();
    }

    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    private void readDocument(JsonParser parser) throws IOException, RecipeException {
        JsonToken token = parser.nextToken();
        if (token == null || token == JsonToken.VALUE_NULL) {
            throw new RecipeException(file, 1, 1, "", "the recipe is empty",
                    "start with 'name:' and 'base:'; see docs/recipes.md");
        }
        JsonLocation start = parser.currentTokenLocation();
        if (token != JsonToken.START_OBJECT) {
            throw new RecipeException(file, start.getLineNr(), start.getColumnNr(), "",
                    "the top level must be a mapping of keys to values, got " + kind(token),
                    "start with 'name:' and 'base:'; see docs/recipes.md");
        }
        nodes.put("", new Node(start.getLineNr(), start.getColumnNr(), kind(token)));
        readMapping(parser, "");
        if (parser.nextToken() != null) {
            JsonLocation next = parser.currentTokenLocation();
            throw new RecipeException(file, next.getLineNr(), next.getColumnNr(), "",
                    "the file holds more than one YAML document", "put each recipe in a file of its own");
        }
    }

    private void readMapping(JsonParser parser, String path) throws IOException, RecipeException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            String keyPath = path.isEmpty() ? name : path + "." + name;
            JsonLocation at = parser.currentTokenLocation();
            if (nodes.containsKey(keyPath)) {
                Node first = nodes.get(keyPath);
                throw new RecipeException(file, at.getLineNr(), at.getColumnNr(), keyPath,
                        "the key appears twice (first on line " + first.line() + ")", "keep one of them");
            }
            JsonToken value = parser.nextToken();
            refuseAlias(parser, keyPath);
            nodes.put(keyPath, new Node(at.getLineNr(), at.getColumnNr(), kind(value)));
            readValue(parser, keyPath, value);
        }
    }

    private void readSequence(JsonParser parser, String path) throws IOException, RecipeException {
        int index = 0;
        for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
            String itemPath = path + "[" + index++ + "]";
            JsonLocation at = parser.currentTokenLocation();
            refuseAlias(parser, itemPath);
            nodes.put(itemPath, new Node(at.getLineNr(), at.getColumnNr(), kind(item)));
            readValue(parser, itemPath, item);
        }
    }

    /**
     * Refuses a YAML alias ({@code *name}): Jackson reads an alias of a scalar as the anchor's
     * name rather than its value, so a recipe would silently get the wrong value.
     */
    private void refuseAlias(JsonParser parser, String path) throws IOException, RecipeException {
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            JsonLocation at = parser.currentTokenLocation();
            throw new RecipeException(file, at.getLineNr(), at.getColumnNr(), path,
                    "YAML aliases (*" + UserText.printable(parser.getText()) + ") are not supported",
                    "write the value itself here; recipes use no anchors or aliases");
        }
    }

    private void readValue(JsonParser parser, String path, JsonToken token) throws IOException, RecipeException {
        if (token == JsonToken.START_OBJECT) {
            readMapping(parser, path);
        } else if (token == JsonToken.START_ARRAY) {
            readSequence(parser, path);
        }
    }

    static String kind(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "a mapping";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "a number";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "nothing";
            default -> "an unexpected " + token;
        };
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "syntax error";
        }
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).trim();
    }
}
