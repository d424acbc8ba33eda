// The three workflows a fleet repository runs. They use the wagroups action pinned to a release tag, so
// nothing from a pull request runs with the secrets: the action's code comes from the tag, and the pull
// request contributes only the manifests it reads.

/** Where the action lives and which release a new fleet repository pins: change it here only. */
export const ACTION_REPOSITORY = "wagroups/wagroups";
export const ACTION_TAG = "v1";
export const ACTION = `${ACTION_REPOSITORY}/.github/actions/wagroups@${ACTION_TAG}`;

export interface WorkflowOptions {
  /** the manifest directory, relative to the repository */
  groups: string;
  /** the branch whose pushes are applied */
  branch: string;
  /** apply in N shards, one after another (a matrix with max-parallel: 1) */
  shards: number;
}

const secrets = `        env:
          WAWP_INSTANCE_ID: \${{ secrets.WAWP_INSTANCE_ID }}
          WAWP_ACCESS_TOKEN: \${{ secrets.WAWP_ACCESS_TOKEN }}`;

export function planWorkflow(o: WorkflowOptions): string {
  return `# wagroups: on a pull request that touches the manifests, validate them and post the plan as one
# comment, edited in place on every push. It runs on pull_request, where a fork's run gets no secrets.
name: wagroups plan
on:
  pull_request:
    paths:
      - "${o.groups}/**"
permissions:
  contents: read
  pull-requests: write
concurrency:
  group: wagroups-plan-\${{ github.event.pull_request.number }}
  cancel-in-progress: true
jobs:
  plan:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    # read-only Wawp credentials live on this environment
    environment: wagroups-read
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - uses: ${ACTION}
        with:
          command: validate
          dir: ${o.groups}
      - uses: ${ACTION}
${secrets}
        with:
          command: plan
          dir: ${o.groups}
          args: |
            --github-comment
`;
}

export function applyWorkflow(o: WorkflowOptions): string {
  const shards = Array.from({ length: o.shards }, (_, i) => i + 1).join(", ");
  return `# wagroups: on a push to ${o.branch} that touches the manifests, apply them. One apply at a time across
# machines (concurrency), in a protected environment whose reviewers guard the Wawp secrets.
name: wagroups apply
on:
  push:
    branches:
      - ${o.branch}
    paths:
      - "${o.groups}/**"
  workflow_dispatch:
permissions:
  contents: read
concurrency:
  group: wagroups-apply
  cancel-in-progress: false
jobs:
  apply:
    runs-on: ubuntu-latest
    timeout-minutes: 120
    environment: wagroups-production
    strategy:
      # one shard failing must not cancel the others; shards share one instance's budget, so in turn
      fail-fast: false
      max-parallel: 1
      matrix:
        shard: [${shards}]
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - uses: ${ACTION}
${secrets}
        with:
          command: apply
          dir: ${o.groups}
          args: |
            --auto-approve
            --shard
            \${{ matrix.shard }}/${o.shards}
`;
}

export function driftWorkflow(o: WorkflowOptions): string {
  return `# wagroups: every day, is the live fleet still what the manifests say? One issue tracks drift; it is
# closed when the drift is gone.
name: wagroups drift
on:
  schedule:
    - cron: "17 6 * * *"
  workflow_dispatch:
permissions:
  contents: read
  issues: write
concurrency:
  group: wagroups-drift
  cancel-in-progress: true
jobs:
  drift:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    environment: wagroups-read
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - id: plan
        uses: ${ACTION}
${secrets}
        with:
          command: plan
          dir: ${o.groups}
      - name: Open, update or close the drift issue
        env:
          GH_TOKEN: \${{ github.token }}
          GH_REPO: \${{ github.repository }}
          HAS_CHANGES: \${{ steps.plan.outputs.has-changes }}
          RUN_URL: \${{ github.server_url }}/\${{ github.repository }}/actions/runs/\${{ github.run_id }}
        run: |
          title="wagroups: live groups have drifted from the manifests"
          body="The scheduled plan found changes: see the job summary of $RUN_URL"
          number=$(gh issue list --state open --search "in:title \\"$title\\"" --json number --jq '.[0].number // empty')
          if [ "$HAS_CHANGES" = "true" ]; then
            if [ -n "$number" ]; then
              gh issue edit "$number" --body "$body"
            else
              gh issue create --title "$title" --body "$body"
            fi
          elif [ -n "$number" ]; then
            gh issue close "$number" --comment "No drift any more: the live groups match the manifests."
          fi
`;
}
