// The Kubernetes manifests in deploy/, read the way `kubectl apply -f deploy/` reads
// them: every .yaml file, every document, in file-name order.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO } from './image.js';

export const DEPLOY_DIR = join(REPO, 'deploy');

/** The fields of the objects that the tests read; the YAML is checked against them field by field. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  /** Where the object came from, for messages. */
  file: string;
}

export interface PolicyRule { apiGroups: string[]; resources: string[]; verbs: string[] }
export interface ContainerPort { containerPort: number; name?: string; protocol?: string }
export interface Probe {
  httpGet?: { path: string; port: number | string; scheme?: string };
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}
export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  args?: string[];
  ports?: ContainerPort[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { add?: string[]; drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
export interface Deployment extends K8sObject {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        serviceAccountName?: string;
        dnsPolicy?: string;
        containers: Container[];
        volumes?: { name: string; configMap?: { name: string; items?: { key: string; path: string }[] } }[];
      };
    };
  };
}
export interface Service extends K8sObject {
  spec: {
    clusterIP: string;
    selector: Record<string, string>;
    ports: { name: string; port: number; protocol: string; targetPort: number | string }[];
  };
}
export interface ClusterRole extends K8sObject { rules: PolicyRule[] }
export interface ClusterRoleBinding extends K8sObject {
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}
export interface ConfigMap extends K8sObject { data: Record<string, string> }

export function loadManifests(): K8sObject[] {
  const files = readdirSync(DEPLOY_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
  return files.flatMap((file) => parseAllDocuments(readFileSync(join(DEPLOY_DIR, file), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`deploy/${file}: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as Omit<K8sObject, 'file'> | null;
    if (!obj || typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string') {
      throw new Error(`deploy/${file}: a document without kind and metadata.name`);
    }
    return { ...obj, file };
  }));
}

/** The one object of that kind and name; throws when it is missing or doubled. */
export function manifest<T extends K8sObject>(objects: readonly K8sObject[], kind: string, name: string): T {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`deploy/ holds ${found.length} ${kind} named ${name}, want 1`);
  return found[0] as T;
}

/** A probe's port as a number (kubeadm names them: liveness-probe, readiness-probe). */
export function probePort(container: Container, probe: Probe | undefined): number | undefined {
  const port = probe?.httpGet?.port;
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}
