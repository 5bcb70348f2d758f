// HTTP GET for tests of the plugins' HTTP endpoints (health, ready, metrics).

export async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}
