import { ruleTester } from '../helpers/rule-tester.js';
import { ALL_KINDS, bundleJson, l2Advertisement, node, speakerDaemonSet, speakerPod, threeNodes } from '../helpers/cluster.js';
import { docs, pool } from '../helpers/services.js';
import { at } from '../helpers/installation-config.js';

const labels = (value: string) => (text: string) => text.replace('value: "app=metallb,component=speaker"', `value: "${value}"`);
const lan = pool('lan', ['10.0.0.0/24']);
const bundle = (text: string, captured = ALL_KINDS) => ({ 'bundle.json': bundleJson(captured), 'resources/c.yaml': text });
const refused = labels('app in (metallb')(docs(threeNodes(), lan, l2Advertisement('lan')));
const typo = labels('app=metallb-typo,component=speaker')(docs(threeNodes(), lan, l2Advertisement('lan')));

ruleTester('memberlist-labels-mismatch', {
  valid: [
    { name: 'the selector matches the speaker pods', files: bundle(docs(threeNodes(), lan, l2Advertisement('lan'))) },
    { name: 'a selector that matches a subset is enough (the join is mutual)', files: bundle(labels('app=metallb')(docs(threeNodes(), lan, l2Advertisement('lan')))) },
    { name: 'memberlist off', files: bundle(docs(threeNodes({ memberlist: false }), lan, l2Advertisement('lan'))) },
    { name: 'no L2Advertisement: memberlist serves layer 2 only', files: bundle(labels('app=metallb-typo')(docs(threeNodes(), lan))) },
    { name: 'one speaker alone elects itself anyway', files: bundle(labels('app=metallb-typo')(docs(node('node-a'), speakerDaemonSet(), speakerPod('node-a'), lan, l2Advertisement('lan')))) },
    { name: 'Pods not captured: absent is not none', files: bundle(typo, ALL_KINDS.filter((k) => k !== 'Pod')) },
  ],
  invalid: [
    {
      name: 'a typo in METALLB_ML_LABELS',
      files: bundle(typo),
      errors: [
        {
          file: 'resources/c.yaml',
          ...at(typo, '"app=metallb-typo'),
          severity: 'error',
          message: /^The speakers find each other by the labels app=metallb-typo,component=speaker, which select none of the 3 running speaker pods \(their labels: app=metallb,component=speaker\): .*split brain/,
        },
      ],
    },
    {
      name: 'a selector the API server refuses',
      files: bundle(refused),
      errors: [{ file: 'resources/c.yaml', ...at(refused, '"app in (metallb'), message: /which the API server refuses \(unable to parse requirement/ }],
    },
  ],
});
