/**
 * A 3D view of the cloud with three.js (orbit with the left button, pan with the right,
 * zoom with the wheel), coloured by height like the bird's-eye view. z is up, as in the
 * sensor frame. three.js loads only when this view is opened.
 */
import { useEffect, useRef, useState } from "react";
import type { PointCloud } from "../../domain/npy";
import { bounds, heightColor } from "./topdown";

export function PointCloud3D({ cloud }: { cloud: PointCloud }) {
  const wrap = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    let disposed = false;
    let cleanup = () => {};
    (async () => {
      const THREE = await import("three");
      const { OrbitControls } = await import("three/examples/jsm/controls/OrbitControls.js");
      if (disposed) return;
      let renderer: InstanceType<typeof THREE.WebGLRenderer>;
      try {
        renderer = new THREE.WebGLRenderer({ antialias: true });
      } catch {
        setError("This browser cannot show 3D (no WebGL); the bird's-eye view still works.");
        return;
      }
      renderer.setPixelRatio(window.devicePixelRatio || 1);
      renderer.setSize(el.clientWidth, el.clientHeight);
      renderer.setClearColor(0x0b1020);
      el.appendChild(renderer.domElement);

      const b = bounds(cloud.xyz);
      const colors = new Float32Array(cloud.count * 3);
      const zr = Math.max(1e-6, b.maxZ - b.minZ);
      for (let i = 0; i < cloud.count; i++) {
        const [r, g, bl] = heightColor((cloud.xyz[i * 3 + 2] - b.minZ) / zr);
        colors.set([r / 255, g / 255, bl / 255], i * 3);
      }
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute("position", new THREE.BufferAttribute(cloud.xyz, 3));
      geometry.setAttribute("color", new THREE.BufferAttribute(colors, 3));
      const size = Math.max(b.maxX - b.minX, b.maxY - b.minY, zr);
      const material = new THREE.PointsMaterial({ size: size / 600, vertexColors: true });
      const scene = new THREE.Scene();
      scene.add(new THREE.Points(geometry, material));
      scene.add(new THREE.AxesHelper(size / 10));

      const camera = new THREE.PerspectiveCamera(55, el.clientWidth / el.clientHeight, size / 1000, size * 20);
      camera.up.set(0, 0, 1); // z up, as the sensor frame
      const centre = new THREE.Vector3((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2, (b.minZ + b.maxZ) / 2);
      // from behind the sensor and above, looking forward along x
      camera.position.set(b.minX - size * 0.6, centre.y, b.maxZ + size * 0.5);
      const controls = new OrbitControls(camera, renderer.domElement);
      controls.target.copy(centre);
      controls.update();
      const render = () => renderer.render(scene, camera);
      controls.addEventListener("change", render);
      const ro = new ResizeObserver(() => {
        camera.aspect = el.clientWidth / Math.max(1, el.clientHeight);
        camera.updateProjectionMatrix();
        renderer.setSize(el.clientWidth, el.clientHeight);
        render();
      });
      ro.observe(el);
      render();
      cleanup = () => {
        ro.disconnect();
        controls.dispose();
        geometry.dispose();
        material.dispose();
        renderer.dispose();
        renderer.domElement.remove();
      };
    })().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => {
      disposed = true;
      cleanup();
    };
  }, [cloud]);

  return (
    <div ref={wrap} className="pc-canvas-wrap" aria-label="Point cloud, 3D" role="img">
      {error && <div className="overlay-inline">{error}</div>}
    </div>
  );
}
