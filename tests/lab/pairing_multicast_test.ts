// A camera on another host of a private LAN (two network namespaces joined by a veth pair) finds the
// helper by multicast M-SEARCH on the real port 1900. Needs namespaces; skipped visibly elsewhere.

import { assertEquals, assertMatch } from "../support/assert.ts";
import { pairFrom } from "../../lab/camera_process.ts";
import { startHelper } from "../../lab/helper_process.ts";
import { namespaceTest, NetnsLab } from "../../lab/netns.ts";

await namespaceTest("a camera on the LAN pairs by multicast M-SEARCH", async (t) => {
  await using lab = await NetnsLab.create();
  const { pc, camera } = await lab.pcAndCamera("10.231.7");

  await using helper = await startHelper(["10.231.7.1"], { netns: pc });
  await helper.waitForLine(/ready/);

  await t.step("the multicast search is answered with the LAN address", async () => {
    const { code, report, output } = await pairFrom(camera, "--multicast", "1900");
    assertEquals(code, 0, output);
    assertEquals(report.location, "http://10.231.7.1:8043/ptpip-canon-desc-helper.xml");
    await helper.waitForLine(
      / 10\.231\.7\.2 is looking for a computer \(upnp:rootdevice\): answered$/,
    );
    await helper.waitForLine(/ 10\.231\.7\.2 fetched this computer's name \(its description\)$/);
  });

  await t.step("a unicast search to its address is answered the same way", async () => {
    const { code, report, output } = await pairFrom(camera, "--unicast", "10.231.7.1:1900");
    assertEquals(code, 0, output);
    assertMatch(report.location ?? "", /^http:\/\/10\.231\.7\.1:8043\//);
  });
});

await namespaceTest("without LAN_IP the helper finds the LAN interface by itself", async () => {
  await using lab = await NetnsLab.create();
  const { pc, camera } = await lab.pcAndCamera("10.231.8");
  await using helper = await startHelper([], { netns: pc });
  await helper.waitForLine(/serving eth0 10\.231\.8\.1/);
  const { code, report, output } = await pairFrom(camera, "--multicast", "1900");
  assertEquals(code, 0, output);
  assertEquals(report.location, "http://10.231.8.1:8043/ptpip-canon-desc-helper.xml");
});
