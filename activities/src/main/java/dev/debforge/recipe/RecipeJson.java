package dev.debforge.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/** The canonical JSON form of a recipe. */
final class RecipeJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private RecipeJson() {
    }

    static String canonical(Recipe recipe) {
        // Records list their creator properties in declaration order even when properties are
        // sorted, so go through maps, whose entries ORDER_MAP_ENTRIES_BY_KEYS sorts at every depth.
        Map<?, ?> tree = MAPPER.convertValue(recipe, Map.class);
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a recipe always serialises", e);
        }
    }
}
