/** Writing PyValues back out: Python-exact JSON (`json.dumps`) and readable, round-tripping YAML. */
export { toPythonJson, pyJsonString, pyJsonFloat } from './emit-json.js';
export { toYaml, yamlString, yamlFloat } from './emit-yaml.js';
