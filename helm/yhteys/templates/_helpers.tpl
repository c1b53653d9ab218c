{{/*
Shared pieces of every Yhteys service. The per-service templates call these
with a context made by "yhteys.ctx": (dict "root" $ "svc" <service block>).
*/}}

{{/* Labels that select one service's pods. */}}
{{- define "yhteys.selectorLabels" -}}
app.kubernetes.io/name: {{ .svc.name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* Labels of every object that belongs to the release. */}}
{{- define "yhteys.commonLabels" -}}
app.kubernetes.io/part-of: yhteys
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Labels of one service's objects. */}}
{{- define "yhteys.labels" -}}
{{ include "yhteys.selectorLabels" . }}
app.kubernetes.io/component: {{ .svc.component }}
{{ include "yhteys.commonLabels" .root }}
{{- end }}

{{/* <registry>/<name>:<tag>, or the service's own image block. */}}
{{- define "yhteys.image" -}}
{{- $image := .svc.image | default dict -}}
{{- $repository := $image.repository | default (printf "%s/%s" .root.Values.image.registry .svc.name) -}}
{{- $tag := $image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end }}

{{/* The service's config.yaml: the common config with the service's merged over it. */}}
{{- define "yhteys.config" -}}
{{- $config := mergeOverwrite (deepCopy .root.Values.config) (deepCopy (.svc.config | default dict)) -}}
{{- toYaml $config -}}
{{- end }}

{{/* Pod securityContext: non-root uid 10001, RuntimeDefault seccomp. */}}
{{- define "yhteys.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container securityContext: read-only root, no privilege, no capabilities. */}}
{{- define "yhteys.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Native gRPC probes (grpc.health.v1, empty service name) on the plaintext
health listener, port 8081.
*/}}
{{- define "yhteys.probes" -}}
readinessProbe:
  grpc:
    port: 8081
  {{- toYaml .root.Values.probes.readiness | nindent 2 }}
livenessProbe:
  grpc:
    port: 8081
    service: liveness
  {{- toYaml .root.Values.probes.liveness | nindent 2 }}
{{- end }}
