package dev.debforge.stage.convert;

import java.util.Locale;

/**
 * The OVF 1.0 descriptor of an OVA: one virtual machine with one stream-optimized VMDK on a SCSI
 * controller, a network adapter, and its CPU and memory. VMware, VirtualBox and oVirt import
 * this form.
 */
final class Ovf {

  /** VMware's and VirtualBox's operating system id for 64-bit Debian. */
  static final int DEBIAN_64 = 96;

  private Ovf() {}

  /**
   * @param name the virtual machine's name
   * @param vmdk the disk file's name inside the OVA
   * @param vmdkBytes the disk file's size
   * @param capacityBytes the disk's virtual size
   * @param cpus virtual CPUs
   * @param memoryMib memory in MiB
   */
  static String descriptor(
      String name, String vmdk, long vmdkBytes, long capacityBytes, int cpus, int memoryMib) {
    String safeName = xml(name);
    return String.format(
        Locale.ROOT,
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
            xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
            xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
            xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
          <References>
            <File ovf:id="file1" ovf:href="%2$s" ovf:size="%3$d"/>
          </References>
          <DiskSection>
            <Info>Virtual disks</Info>
            <Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="%4$d" ovf:capacityAllocationUnits="byte"
                ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
          </DiskSection>
          <NetworkSection>
            <Info>Logical networks</Info>
            <Network ovf:name="nat">
              <Description>The network the machine's adapter joins</Description>
            </Network>
          </NetworkSection>
          <VirtualSystem ovf:id="%1$s">
            <Info>A bootable Debian system made by debforge</Info>
            <Name>%1$s</Name>
            <OperatingSystemSection ovf:id="%7$d">
              <Info>The guest operating system</Info>
              <Description>Debian GNU/Linux (64-bit)</Description>
            </OperatingSystemSection>
            <VirtualHardwareSection>
              <Info>Virtual hardware</Info>
              <System>
                <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
                <vssd:InstanceID>0</vssd:InstanceID>
                <vssd:VirtualSystemIdentifier>%1$s</vssd:VirtualSystemIdentifier>
                <vssd:VirtualSystemType>vmx-13 virtualbox-2.2</vssd:VirtualSystemType>
              </System>
              <Item>
                <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
                <rasd:Description>Number of virtual CPUs</rasd:Description>
                <rasd:ElementName>%5$d virtual CPU(s)</rasd:ElementName>
                <rasd:InstanceID>1</rasd:InstanceID>
                <rasd:ResourceType>3</rasd:ResourceType>
                <rasd:VirtualQuantity>%5$d</rasd:VirtualQuantity>
              </Item>
              <Item>
                <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
                <rasd:Description>Memory size</rasd:Description>
                <rasd:ElementName>%6$d MB of memory</rasd:ElementName>
                <rasd:InstanceID>2</rasd:InstanceID>
                <rasd:ResourceType>4</rasd:ResourceType>
                <rasd:VirtualQuantity>%6$d</rasd:VirtualQuantity>
              </Item>
              <Item>
                <rasd:Address>0</rasd:Address>
                <rasd:Description>SCSI controller</rasd:Description>
                <rasd:ElementName>SCSI controller 0</rasd:ElementName>
                <rasd:InstanceID>3</rasd:InstanceID>
                <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
                <rasd:ResourceType>6</rasd:ResourceType>
              </Item>
              <Item>
                <rasd:AddressOnParent>0</rasd:AddressOnParent>
                <rasd:ElementName>Hard disk 1</rasd:ElementName>
                <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
                <rasd:InstanceID>4</rasd:InstanceID>
                <rasd:Parent>3</rasd:Parent>
                <rasd:ResourceType>17</rasd:ResourceType>
              </Item>
              <Item>
                <rasd:AddressOnParent>7</rasd:AddressOnParent>
                <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
                <rasd:Connection>nat</rasd:Connection>
                <rasd:Description>E1000 ethernet adapter on "nat"</rasd:Description>
                <rasd:ElementName>Network adapter 1</rasd:ElementName>
                <rasd:InstanceID>5</rasd:InstanceID>
                <rasd:ResourceSubType>E1000</rasd:ResourceSubType>
                <rasd:ResourceType>10</rasd:ResourceType>
              </Item>
            </VirtualHardwareSection>
          </VirtualSystem>
        </Envelope>
        """,
        safeName, xml(vmdk), vmdkBytes, capacityBytes, cpus, memoryMib, DEBIAN_64);
  }

  /** The OVA's manifest: the SHA-256 of each file, in the form {@code SHA256(FILE)= HEX}. */
  static String manifest(java.util.Map<String, String> sha256ByFile) {
    StringBuilder manifest = new StringBuilder();
    sha256ByFile.forEach(
        (file, sha256) -> manifest.append("SHA256(").append(file).append(")= ").append(sha256)
            .append('\n'));
    return manifest.toString();
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
