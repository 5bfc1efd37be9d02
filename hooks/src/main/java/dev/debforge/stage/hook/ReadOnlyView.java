package dev.debforge.stage.hook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyHashMap;
import org.graalvm.polyglot.proxy.ProxyIterator;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * The recipe as the scripts see it: nested mappings and lists that can be read but not changed.
 * A mapping answers both member access ({@code recipe.packages.install} in JavaScript) and
 * subscripts ({@code recipe["packages"]["install"]} in Python).
 */
final class ReadOnlyView {

  private ReadOnlyView() {}

  /** The view of a value read from JSON: maps, lists, strings, numbers, booleans and null. */
  static Object of(Object json) {
    if (json instanceof Map<?, ?> map) {
      Map<String, Object> members = new LinkedHashMap<>();
      map.forEach((key, value) -> members.put(String.valueOf(key), of(value)));
      return new Mapping(members);
    }
    if (json instanceof List<?> list) {
      List<Object> items = new ArrayList<>(list.size());
      list.forEach(item -> items.add(of(item)));
      return new Sequence(items);
    }
    return json;
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException(
        "the recipe is read-only in a hook; change the image through the api's calls");
  }

  static final class Mapping implements ProxyObject, ProxyHashMap {
    private final Map<String, Object> members;

    Mapping(Map<String, Object> members) {
      this.members = members;
    }

    @Override
    public Object getMember(String key) {
      return members.get(key);
    }

    @Override
    public Object getMemberKeys() {
      return new Sequence(new ArrayList<>(members.keySet()));
    }

    @Override
    public boolean hasMember(String key) {
      return members.containsKey(key);
    }

    @Override
    public void putMember(String key, Value value) {
      throw readOnly();
    }

    @Override
    public boolean removeMember(String key) {
      throw readOnly();
    }

    @Override
    public long getHashSize() {
      return members.size();
    }

    @Override
    public boolean hasHashEntry(Value key) {
      return key.isString() && members.containsKey(key.asString());
    }

    @Override
    public Object getHashValue(Value key) {
      return key.isString() ? members.get(key.asString()) : null;
    }

    @Override
    public void putHashEntry(Value key, Value value) {
      throw readOnly();
    }

    @Override
    public boolean removeHashEntry(Value key) {
      throw readOnly();
    }

    @Override
    public Object getHashEntriesIterator() {
      List<Object> entries = new ArrayList<>();
      members.forEach((key, value) -> entries.add(ProxyArray.fromArray(key, value)));
      return ProxyIterator.from(entries.iterator());
    }
  }

  static final class Sequence implements ProxyArray {
    private final List<Object> items;

    Sequence(List<Object> items) {
      this.items = items;
    }

    @Override
    public Object get(long index) {
      return items.get(Math.toIntExact(index));
    }

    @Override
    public void set(long index, Value value) {
      throw readOnly();
    }

    @Override
    public boolean remove(long index) {
      throw readOnly();
    }

    @Override
    public long getSize() {
      return items.size();
    }
  }
}
