package dev.debforge.stage.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class OvfTest {

  private static final String OVF = "http://schemas.dmtf.org/ovf/envelope/1";
  private static final String RASD =
      "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static Element first(Document doc, String ns, String name) {
    return (Element) doc.getElementsByTagNameNS(ns, name).item(0);
  }

  @Test
  void theDescriptorNamesTheDiskFileItsSizeAndTheDisksCapacity() throws Exception {
    Document doc =
        parse(Ovf.descriptor("my <vm>", "disk.vmdk", 123_456, 10L << 30, 2, 2048));
    Element file = first(doc, OVF, "File");
    assertEquals("disk.vmdk", file.getAttributeNS(OVF, "href"));
    assertEquals("123456", file.getAttributeNS(OVF, "size"));
    Element disk = first(doc, OVF, "Disk");
    assertEquals(file.getAttributeNS(OVF, "id"), disk.getAttributeNS(OVF, "fileRef"));
    assertEquals(Long.toString(10L << 30), disk.getAttributeNS(OVF, "capacity"));
    assertEquals("http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized",
        disk.getAttributeNS(OVF, "format"));
    assertEquals("my <vm>", first(doc, OVF, "Name").getTextContent());
    assertEquals("96", first(doc, OVF, "OperatingSystemSection").getAttributeNS(OVF, "id"));
  }

  @Test
  void theHardwareHasTheCpusMemoryAndTheDiskOnItsController() throws Exception {
    Document doc = parse(Ovf.descriptor("vm", "disk.vmdk", 1, 2, 4, 4096));
    Map<String, Element> byType = new LinkedHashMap<>();
    var items = doc.getElementsByTagNameNS(OVF, "Item");
    for (int i = 0; i < items.getLength(); i++) {
      Element item = (Element) items.item(i);
      byType.put(item.getElementsByTagNameNS(RASD, "ResourceType").item(0).getTextContent(),
          item);
    }
    assertEquals(List.of("3", "4", "6", "17", "10"), List.copyOf(byType.keySet()));
    assertEquals("4", text(byType.get("3"), "VirtualQuantity"));
    assertEquals("4096", text(byType.get("4"), "VirtualQuantity"));
    assertEquals("ovf:/disk/vmdisk1", text(byType.get("17"), "HostResource"));
    assertEquals(text(byType.get("6"), "InstanceID"), text(byType.get("17"), "Parent"));
  }

  private static String text(Element item, String name) {
    return item.getElementsByTagNameNS(RASD, name).item(0).getTextContent();
  }

  @Test
  void theManifestListsEachFilesSha256() {
    Map<String, String> sums = new LinkedHashMap<>();
    sums.put("disk.ovf", "aa");
    sums.put("disk.vmdk", "bb");
    assertEquals("SHA256(disk.ovf)= aa\nSHA256(disk.vmdk)= bb\n", Ovf.manifest(sums));
  }

  @Test
  void theArchivePutsTheDescriptorFirst() {
    List<String> argv = ConvertStage.ovaTar(Path.of("/s"), Path.of("/o/image.ova")).argv();
    assertEquals(
        List.of("tar", "--format=ustar", "--owner=0", "--group=0", "--create",
            "--file=/o/image.ova", "--directory=/s", "disk.ovf", "disk.vmdk", "disk.mf"),
        argv);
  }
}
