package dev.debforge.stage.hook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;

/** Plain Java maps, lists and scalars from a script's value, for JSON. */
final class GuestValues {

  private static final int MAX_DEPTH = 32;

  private GuestValues() {}

  static Object toJava(Value value) {
    return convert(value, 0, "recipe");
  }

  private static Object convert(Value value, int depth, String path) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(path + ": nested deeper than " + MAX_DEPTH);
    }
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isString()) {
      return value.asString();
    }
    if (value.isNumber()) {
      return value.fitsInLong() ? (Object) value.asLong() : (Object) value.asDouble();
    }
    if (value.hasArrayElements()) {
      List<Object> list = new ArrayList<>();
      for (long i = 0; i < value.getArraySize(); i++) {
        list.add(convert(value.getArrayElement(i), depth + 1, path + "[" + i + "]"));
      }
      return list;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    if (value.hasHashEntries()) {
      Value keys = value.getHashKeysIterator();
      while (keys.hasIteratorNextElement()) {
        Value key = keys.getIteratorNextElement();
        String name = key.isString() ? key.asString() : key.toString();
        map.put(name, convert(value.getHashValue(key), depth + 1, path + "." + name));
      }
      return map;
    }
    if (value.hasMembers() && !value.canExecute()) {
      for (String key : value.getMemberKeys()) {
        map.put(key, convert(value.getMember(key), depth + 1, path + "." + key));
      }
      return map;
    }
    throw new IllegalArgumentException(
        path + ": " + value + " is not a string, number, boolean, list or mapping");
  }
}
