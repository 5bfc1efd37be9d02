package dev.debforge.stage.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolResult;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.stage.hook.HookRequests.OwnerRequest;
import dev.debforge.stage.hook.HookRequests.UserRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookChangesTest {

  @TempDir Path temp;

  private final List<List<String>> calls = new ArrayList<>();
  private final ToolRunner recording =
      (ToolCall call) -> {
        calls.add(call.argv());
        return new ToolResult(0, "", Duration.ZERO);
      };

  private static String status(String... packages) {
    StringBuilder text = new StringBuilder();
    for (String name : packages) {
      text.append("Package: ").append(name).append("\nStatus: install ok installed\n")
          .append("Architecture: amd64\nVersion: 1\n\n");
    }
    return text.toString();
  }

  private static HookRequests removing(String... packages) {
    return new HookRequests(List.of(), List.of(packages), List.of(), List.of(), List.of(),
        List.of(), List.of(), List.of());
  }

  @Test
  void aRemovalThatTakesWhatTheImageBootsWithFailsAndWhatAptRemovedIsNamed() throws Exception {
    Path root = Files.createDirectories(temp.resolve("root"));
    Path status = Files.createDirectories(root.resolve("var/lib/dpkg")).resolve("status");
    Files.writeString(status, status("libostree-1-1", "nano", "ostree", "systemd-sysv"));
    ToolRunner apt = call -> {
      calls.add(call.argv());
      if (call.argv().contains("purge")) {
        try {
          Files.writeString(status, status("systemd-sysv"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return new ToolResult(0, "", Duration.ZERO);
    };
    List<String> progress = new ArrayList<>();

    BadInputException lost = assertThrows(BadInputException.class,
        () -> HookChanges.apply(apt, root, "slim", removing("libostree-1-1", "nano"),
            progress::add));
    assertTrue(lost.getMessage().startsWith("hook slim: purging libostree-1-1, nano made apt"
        + " remove ostree, without which the image cannot boot"), lost.getMessage());
    assertTrue(progress.contains("hook slim: apt removed libostree-1-1, nano, ostree"),
        progress.toString());

    calls.clear();
    BadInputException named = assertThrows(BadInputException.class,
        () -> HookChanges.apply(apt, root, "slim", removing("nano", "dracut"), progress::add));
    assertEquals("hook slim: removePackage(dracut) asks for what makes the image bootable",
        named.getMessage().lines().findFirst().get());
    assertEquals(List.of(), calls, "refused before apt ran");
  }

  @Test
  void appliesRequestsInOrderWithTheImagesTools() throws Exception {
    Path root = Files.createDirectories(temp.resolve("root"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/resolv.conf"), "image's own\n");
    HookRequests requests =
        new HookRequests(List.of("htop"), List.of("nano"), List.of("admins"),
            List.of(new UserRequest("alice", List.of("admins"))), List.of(),
            List.of("ssh.service"), List.of("fstrim.timer"), List.of("console=ttyS0", "quiet"));

    HookChanges.apply(recording, root, "motd", requests, line -> {});

    String r = root.toString();
    assertEquals(
        List.of(
            List.of("chroot", r, "apt-get", "update"),
            List.of("chroot", r, "apt-get", "install", "--yes", "--no-install-recommends", "htop"),
            List.of("chroot", r, "apt-get", "purge", "--yes", "--auto-remove", "nano"),
            List.of("chroot", r, "apt-get", "clean"),
            List.of("groupadd", "--root", r, "--force", "admins"),
            List.of("useradd", "--root", r, "--create-home", "--user-group", "--groups", "admins",
                "alice"),
            List.of("systemctl", "--root=" + r, "enable", "ssh.service"),
            List.of("systemctl", "--root=" + r, "disable", "fstrim.timer")),
        calls);
    assertEquals("image's own\n", Files.readString(root.resolve("etc/resolv.conf")));
    assertFalse(Files.exists(root.resolve("etc/ssl")), "the host's certificates were only lent");
    assertEquals(
        "# Written by debforge from the recipe's hook motd.\nkargs = [\"console=ttyS0\", \"quiet\"]\n",
        Files.readString(root.resolve("usr/lib/bootc/kargs.d/50-hook-motd.toml")));
  }

  @Test
  void anImageWithoutCertificatesBorrowsTheHostsForItsAptOnly() throws Exception {
    Path root = Files.createDirectories(temp.resolve("bare"));
    Files.createDirectories(root.resolve("etc"));
    Path host = Files.writeString(temp.resolve("host.crt"), "host's bundle\n");
    Path lent = root.resolve(HookChanges.HostCertificates.BUNDLE);
    try (HookChanges.HostCertificates certificates =
        HookChanges.HostCertificates.lend(root, host)) {
      assertEquals("host's bundle\n", Files.readString(lent));
    }
    assertFalse(Files.exists(root.resolve("etc/ssl")), "the directories made for it are gone");
    assertTrue(Files.isDirectory(root.resolve("etc")));

    // An image with its own keeps it, and keeps it afterwards.
    Files.createDirectories(lent.getParent());
    Files.writeString(lent, "image's own\n");
    try (HookChanges.HostCertificates certificates =
        HookChanges.HostCertificates.lend(root, host)) {
      assertEquals("image's own\n", Files.readString(lent));
    }
    assertEquals("image's own\n", Files.readString(lent));

    // A host without a bundle lends nothing.
    Files.delete(lent);
    try (HookChanges.HostCertificates certificates =
        HookChanges.HostCertificates.lend(root, temp.resolve("absent.crt"))) {
      assertFalse(Files.exists(lent));
    }
    assertTrue(Files.isDirectory(lent.getParent()), "what the image had stays");
  }

  @Test
  void aptCallsAreNonInteractive() {
    for (ToolCall call : HookChanges.apt(Path.of("/r"), List.of("a"), List.of())) {
      assertEquals("noninteractive", call.environment().get("DEBIAN_FRONTEND"));
    }
  }

  @Test
  void setsOwnersFromTheImagesAccounts() throws Exception {
    Path root = Files.createDirectories(temp.resolve("root"));
    Files.createDirectories(root.resolve("etc"));
    int uid = (Integer) Files.getAttribute(root, "unix:uid");
    int gid = (Integer) Files.getAttribute(root, "unix:gid");
    Files.writeString(root.resolve("etc/passwd"), "me:x:" + uid + ":" + gid + "::/home/me:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "mine:x:" + gid + ":\n");
    Files.writeString(root.resolve("etc/motd"), "x");
    HookRequests requests = new HookRequests(null, null, null, null,
        List.of(new OwnerRequest("/etc/motd", "me:mine")), null, null, null);

    HookChanges.apply(recording, root, "own", requests, line -> {});

    assertEquals(uid, Files.getAttribute(root.resolve("etc/motd"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
    assertEquals(List.of(), calls);

    HookRequests unknown = new HookRequests(null, null, null, null,
        List.of(new OwnerRequest("/etc/motd", "nobody:nogroup")), null, null, null);
    BadInputException e = assertThrows(BadInputException.class,
        () -> HookChanges.apply(recording, root, "own", unknown, line -> {}));
    assertTrue(e.getMessage().contains("hook own: chown nobody:nogroup /etc/motd"), e.getMessage());
  }

  @Test
  void findsTheDeploymentOfAnAfterDeployHook() throws Exception {
    Path output = temp.resolve("out");
    Path deployment = Files.createDirectories(output.resolve("sysroot/ostree/deploy/os/deploy/abc.0"));
    assertEquals(deployment,
        HookStage.deployment(output, java.util.Map.of("deployment", "ostree/deploy/os/deploy/abc.0")));
    assertThrows(BadInputException.class, () -> HookStage.deployment(output, java.util.Map.of()));
  }
}
